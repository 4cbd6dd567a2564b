package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseTest {
    private static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");

    @Test
    void headerParsesSecondsNeverAndDefault() {
        assertThat(Lease.parseHeader("60", NOW).expiresEpochSecond()).isEqualTo(NOW.getEpochSecond() + 60);
        assertThat(Lease.parseHeader("never", NOW)).isEqualTo(Lease.NEVER);
        assertThat(Lease.parseHeader(null, NOW).expiresEpochSecond()).isEqualTo(NOW.getEpochSecond() + 30L * 86400);
    }

    @Test
    void headerRefusesNonsense() {
        for (String bad : new String[] {"-1", "0", "abc", "1e9", "99999999999999999999", "1.5"}) {
            assertThatThrownBy(() -> Lease.parseHeader(bad, NOW)).as(bad).isInstanceOf(CairnException.class);
        }
    }

    @Test
    void leasesOnlyGrowWhenMerged() {
        Lease early = new Lease(100);
        Lease late = new Lease(200);
        assertThat(early.atLeast(late)).isEqualTo(late);
        assertThat(late.atLeast(early)).isEqualTo(late);
        assertThat(late.atLeast(Lease.NEVER)).isEqualTo(Lease.NEVER);
        assertThat(Lease.NEVER.expiredAt(Instant.MAX)).isFalse();
        assertThat(late.expiredAt(Instant.ofEpochSecond(200))).isTrue();
    }
}
