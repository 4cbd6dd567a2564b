package io.cairn.core.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {
    private static HlcTime t(long physicalMs, int logical) {
        return new HlcTime(physicalMs, logical);
    }

    @Test
    void localEventsFollowTheWallClockAndCountWithinAMillisecond() {
        ManualClock wall = new ManualClock(1000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        assertThat(hlc.tick()).isEqualTo(t(1000, 0));
        assertThat(hlc.tick()).isEqualTo(t(1000, 1));
        assertThat(hlc.tick()).isEqualTo(t(1000, 2));
        wall.advance(1);
        assertThat(hlc.tick()).isEqualTo(t(1001, 0));
        assertThat(hlc.current()).isEqualTo(t(1001, 0));
    }

    @Test
    void aWallClockGoingBackwardsNeverMakesReadingsGoBackwards() {
        ManualClock wall = new ManualClock(1000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        assertThat(hlc.tick()).isEqualTo(t(1000, 0));
        wall.set(400); // NTP step back
        assertThat(hlc.tick()).isEqualTo(t(1000, 1));
        assertThat(hlc.tick()).isEqualTo(t(1000, 2));
        wall.set(1000);
        assertThat(hlc.tick()).isEqualTo(t(1000, 3));
        wall.set(1001);
        assertThat(hlc.tick()).isEqualTo(t(1001, 0));
    }

    @Test
    void receivingFollowsThePapersFourCases() {
        ManualClock wall = new ManualClock(1000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        hlc.tick();
        hlc.tick();
        hlc.tick(); // (1000, 2)
        // remote ahead (a fast clock, within the drift bound): adopt its l, its c + 1
        assertThat(hlc.update(t(1500, 7))).isEqualTo(t(1500, 8));
        // our wall clock is behind l: l holds, c counts
        assertThat(hlc.tick()).isEqualTo(t(1500, 9));
        // remote behind: l holds, c + 1
        assertThat(hlc.update(t(900, 50))).isEqualTo(t(1500, 10));
        // remote at our l: max of both counters + 1
        assertThat(hlc.update(t(1500, 40))).isEqualTo(t(1500, 41));
        assertThat(hlc.update(t(1500, 3))).isEqualTo(t(1500, 42));
        // wall clock ahead of both: l = pt, c = 0
        wall.set(2000);
        assertThat(hlc.update(t(1700, 9))).isEqualTo(t(2000, 0));
    }

    @Test
    void refusesARemoteClockTooFarAheadAndChangesNothing() {
        ManualClock wall = new ManualClock(10_000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall, Duration.ofSeconds(5), HlcTime.ZERO);
        HlcTime before = hlc.tick();
        assertThatThrownBy(() -> hlc.update(t(15_001, 0))).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).contains("5001 ms ahead");
        });
        assertThat(hlc.current()).isEqualTo(before);
        assertThat(hlc.update(t(15_000, 0))).isEqualTo(t(15_000, 1)); // exactly at the bound is fine
    }

    @Test
    void counterOverflowMovesPhysicalOnAndKeepsOrder() {
        ManualClock wall = new ManualClock(7);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        HlcTime previous = hlc.tick();
        for (int i = 0; i < HlcTime.MAX_LOGICAL + 10; i++) {
            HlcTime next = hlc.tick();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
        assertThat(previous).isEqualTo(t(8, 9));
        assertThat(hlc.update(t(8, HlcTime.MAX_LOGICAL))).isEqualTo(t(9, 0));
    }

    @Test
    void resumesAfterTheLastReadingOfAPreviousRun() {
        HybridLogicalClock hlc = new HybridLogicalClock(new ManualClock(1000), Duration.ofSeconds(60), t(5000, 3));
        assertThat(hlc.tick()).isEqualTo(t(5000, 4));
    }

    /**
     * Three nodes with skewed and jumping wall clocks exchange messages at random. Every node's
     * readings strictly increase, every receipt orders after its send, and l never runs ahead of
     * the largest wall time any node has shown by more than the overflow allowance.
     */
    @Test
    void seededSimulationKeepsCausalityUnderSkew() {
        long seed = 424242;
        SplittableRandom random = new SplittableRandom(seed);
        long[] skewMs = {0, 800, -1200};
        List<ManualClock> walls = new ArrayList<>();
        List<HybridLogicalClock> clocks = new ArrayList<>();
        List<HlcTime> last = new ArrayList<>();
        for (long skew : skewMs) {
            ManualClock wall = new ManualClock(1_000_000 + skew);
            walls.add(wall);
            clocks.add(new HybridLogicalClock(wall, Duration.ofSeconds(5), HlcTime.ZERO));
            last.add(HlcTime.ZERO);
        }
        long trueMs = 1_000_000;
        long maxWallSeen = 0;
        for (int step = 0; step < 50_000; step++) {
            trueMs += random.nextInt(3);
            for (int n = 0; n < 3; n++) {
                long jitter = random.nextInt(20) == 0 ? -random.nextInt(500) : 0; // occasional step back
                walls.get(n).set(trueMs + skewMs[n] + jitter);
                maxWallSeen = Math.max(maxWallSeen, trueMs + skewMs[n] + jitter);
            }
            int from = random.nextInt(3);
            int to = (from + 1 + random.nextInt(2)) % 3;
            HlcTime sent = clocks.get(from).tick();
            assertThat(sent).as("seed %d step %d", seed, step).isGreaterThan(last.get(from));
            last.set(from, sent);
            HlcTime received = clocks.get(to).update(sent);
            assertThat(received).as("seed %d step %d", seed, step).isGreaterThan(sent).isGreaterThan(last.get(to));
            last.set(to, received);
            assertThat(received.physicalMs()).as("seed %d step %d", seed, step).isLessThanOrEqualTo(maxWallSeen + 1);
        }
    }

    @Test
    void versionsOrderByTimeThenWriter() {
        NodeId low = NodeId.parse("00".repeat(31) + "01");
        NodeId high = NodeId.parse("ff" + "00".repeat(31));
        Version a = new Version(t(100, 0), high);
        Version b = new Version(t(100, 1), low);
        Version c = new Version(t(101, 0), low);
        Version d = new Version(t(101, 0), high);
        List<Version> versions = new ArrayList<>(List.of(d, c, b, a));
        versions.sort(null);
        assertThat(versions).containsExactly(a, b, c, d);
        assertThat(d.isAfter(c)).isTrue();
        assertThat(c.isAfter(d)).isFalse();
        assertThat(c.isAfter(c)).isFalse();
        assertThatThrownBy(() -> new HlcTime(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HlcTime(0, HlcTime.MAX_LOGICAL + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
