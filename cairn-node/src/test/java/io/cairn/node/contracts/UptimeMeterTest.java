package io.cairn.node.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cairn.node.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UptimeMeterTest {
    @TempDir
    Path dir;

    @Test
    void downtimeBetweenRunsLowersTheAvailabilityAndTheWindowForgetsOldHistory() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        UptimeMeter first = new UptimeMeter(dir, clock, Duration.ofDays(30));
        assertThat(first.availabilityPct()).isEqualTo(100);
        clock.advance(Duration.ofHours(10));
        first.beat();
        assertThat(first.availabilityPct()).isCloseTo(100, within(1e-9));

        clock.advance(Duration.ofHours(10)); // down: no beats, then a restart
        UptimeMeter second = new UptimeMeter(dir, clock, Duration.ofDays(30));
        assertThat(second.availabilityPct()).isCloseTo(50, within(1e-9));
        clock.advance(Duration.ofHours(20));
        second.beat();
        assertThat(second.availabilityPct()).isCloseTo(75, within(1e-9));

        clock.advance(Duration.ofDays(60)); // up for two windows: the old downtime fades
        second.beat();
        assertThat(second.availabilityPct()).isGreaterThan(99);
    }

    @Test
    void anUnreadableRecordStartsAfresh() throws Exception {
        Files.writeString(dir.resolve(UptimeMeter.FILE), "garbage");
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(new UptimeMeter(dir, clock, Duration.ofDays(30)).availabilityPct()).isEqualTo(100);
    }
}
