package io.cairn.node.distribute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The distribute role's pure pieces: health judgement, the repair byte budget, the /has parser. */
class PureRulesTest {
    @Test
    void healthGoesSuspectThenDeadAndComesBackAsReturned() {
        NodeHealth h = NodeHealth.FRESH;
        h = h.onFailure(3);
        assertThat(h.state()).isEqualTo(NodeHealth.State.SUSPECT);
        h = h.onSuccess();
        assertThat(h).isEqualTo(new NodeHealth(NodeHealth.State.ALIVE, 0, false));
        h = h.onFailure(3).onFailure(3);
        assertThat(h.state()).isEqualTo(NodeHealth.State.SUSPECT);
        h = h.onFailure(3);
        assertThat(h.state()).isEqualTo(NodeHealth.State.DEAD);
        assertThat(h.onFailure(3).state()).isEqualTo(NodeHealth.State.DEAD);
        NodeHealth back = h.onSuccess();
        assertThat(back.state()).isEqualTo(NodeHealth.State.ALIVE);
        assertThat(back.returned()).as("a dead node answering again must be reconciled").isTrue();
        assertThat(back.onSuccess().returned()).isFalse();
        assertThat(NodeHealth.FRESH.onFailure(1).state()).as("one failure is death when the limit is 1")
                .isEqualTo(NodeHealth.State.DEAD);
    }

    @Test
    void rateLimiterHoldsTheRateOverRandomCopySizes() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long rate = (1 + random.nextInt(100)) << 20;
            ByteRateLimiter limiter = new ByteRateLimiter(rate, 0);
            long now = 0;
            long bytes = 0;
            for (int i = 0; i < 5_000; i++) {
                long size = 1 + random.nextInt(4 << 20);
                now += limiter.reserve(65536, now);       // wait as the scheduler does
                limiter.reserve(size - 65536, now);        // settle the real size after the copy
                bytes += size;
                now += random.nextInt(1000);               // a little work between copies
            }
            double seconds = now / 1e9;
            double achieved = bytes / seconds;
            assertThat(achieved).as("seed %d: within 10%% of %d B/s over %.1f s", seed, rate, seconds)
                    .isLessThanOrEqualTo(rate * 1.10);
        }
        assertThat(new ByteRateLimiter(0, 0).reserve(1L << 40, 0)).as("0 = unlimited").isZero();
    }

    @Test
    void hasParserDecodesEitherCaseAndRefusesOversize() {
        String a = "AB".repeat(32);
        String b = "cd".repeat(32);
        byte[] body = ("{\"addresses\":[\"" + a + "\"],\"removed\":[\"" + b + "\"],\"expired\":[],\"complete\":true,\"x\":{\"y\":[1]}}")
                .getBytes(StandardCharsets.US_ASCII);
        HasReport r = HasReport.parse(body, body.length, 10);
        assertThat(r.addedCount()).isEqualTo(1);
        assertThat(r.added()[0]).isEqualTo((byte) 0xab);
        assertThat(r.removedCount()).isEqualTo(1);
        assertThat(r.removed()[31]).isEqualTo((byte) 0xcd);
        assertThat(r.complete()).isTrue();
        assertThatThrownBy(() -> HasReport.parse(body, body.length, 1)).isInstanceOf(CairnException.class)
                .hasMessageContaining("at most 1");
    }
}
