package io.cairn.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import io.cairn.node.events.EventType;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DashboardUnitTest {
    private static final long SEED = 909;

    private static NodeInfo node(SplittableRandom random, NodeStatus status) {
        byte[] id = new byte[32];
        random.nextBytes(id);
        return new NodeInfo(NodeId.ofBytes(id), URI.create("http://127.0.0.1:" + (7000 + random.nextInt(1000))),
                Set.of("storage"), status, 10, 100, 0, 0);
    }

    private static String level(List<NodeInfo> view, String status, boolean reachable) {
        return Health.judge(view, status == null ? null : Json.MAPPER.readTree(status), reachable, 3)
                .get("level").stringValue();
    }

    @Test
    void healthIsOneWordFromTheCopiesHistogramAndTheNodes() {
        SplittableRandom r = new SplittableRandom(SEED);
        List<NodeInfo> alive = List.of(node(r, NodeStatus.ALIVE), node(r, NodeStatus.ALIVE));
        List<NodeInfo> oneDead = List.of(node(r, NodeStatus.ALIVE), node(r, NodeStatus.DEAD));
        String full = "{\"healthyCopies\":[0,0,0,12],\"repairState\":\"idle\"}";
        assertThat(level(alive, full, true)).as("seed %d", SEED).isEqualTo("healthy");
        assertThat(level(oneDead, full, true)).isEqualTo("degraded");
        assertThat(level(alive, "{\"healthyCopies\":[0,0,2,10],\"repairState\":\"idle\"}", true)).isEqualTo("degraded");
        assertThat(level(alive, "{\"healthyCopies\":[1,0,2,10],\"repairState\":\"idle\"}", true)).isEqualTo("critical");
        assertThat(level(alive, "{\"healthyCopies\":[0,0,0,12],\"repairState\":\"repairing\",\"repairQueue\":3}", true))
                .isEqualTo("degraded");
        assertThat(level(alive, "{\"healthyCopies\":null,\"blockedBecause\":\"settling after start\"}", true))
                .isEqualTo("unknown");
        assertThat(level(alive, null, false)).isEqualTo("unknown");
        assertThat(Health.judge(alive, Json.MAPPER.readTree(full), true, 3).get("reasons").toString())
                .contains("all 12 blocks have 3 healthy copies");
    }

    @Test
    void throughputHistoryKeepsPerSecondDifferencesAndSpreadsLateTicks() {
        ThroughputHistory h = new ThroughputHistory();
        h.sample(100, 0, 0, 0);
        h.sample(101, 10, 1000, 500);
        h.sample(101, 99, 99, 99); // the same second again: ignored
        h.sample(104, 40, 4000, 500); // three seconds late: 10/s each
        assertThat(h.samples()).containsExactly(
                new ThroughputHistory.Sample(101, 10, 1000, 500),
                new ThroughputHistory.Sample(102, 10, 1000, 0),
                new ThroughputHistory.Sample(103, 10, 1000, 0),
                new ThroughputHistory.Sample(104, 10, 1000, 0));
        for (int s = 105; s < 105 + 2 * ThroughputHistory.SECONDS; s++) {
            h.sample(s, 40 + s, 0, 0);
        }
        assertThat(h.samples()).hasSize(ThroughputHistory.SECONDS);
        assertThat(h.samples().getLast().epochSecond()).isEqualTo(104 + 2 * ThroughputHistory.SECONDS);
    }

    @Test
    void embeddedJsonCannotCloseTheScriptElement() {
        String json = "{\"message\":\"</script><script>alert(1)</script>&\"}";
        String safe = DashboardRoutes.forScript(json);
        assertThat(safe).doesNotContain("<", ">", "&");
        assertThat(Json.MAPPER.readTree(safe).get("message").stringValue()).isEqualTo("</script><script>alert(1)</script>&");
    }

    @Test
    void eventWireNames() {
        assertThat(EventType.NODE_JOINED.wire()).isEqualTo("node.joined");
        assertThat(EventType.SCRUB_CORRUPTION.wire()).isEqualTo("scrub.corruption");
        assertThat(EventType.REPAIR_FINISHED.wire()).isEqualTo("repair.finished");
    }
}
