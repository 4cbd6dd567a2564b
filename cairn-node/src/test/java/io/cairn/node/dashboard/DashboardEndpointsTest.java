package io.cairn.node.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import io.cairn.node.CairnNode;
import io.cairn.node.DistributeConfig;
import io.cairn.node.Http;
import io.cairn.node.TestNodes;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Issue #9's routes on two real nodes: a plays distribute, b only stores and asks a. */
class DashboardEndpointsTest {
    /** Every metric name docs/OPERATIONS.md documents; a node that plays distribute exports them all. */
    static final List<String> DOCUMENTED_METRICS = List.of(
            "cairn_http_requests_seconds_bucket", "cairn_http_requests_seconds_count", "cairn_http_requests_seconds_sum",
            "cairn_http_requests_seconds_max", "cairn_http_received_bytes_total", "cairn_http_sent_bytes_total",
            "cairn_http_inflight", "cairn_blocks_stored", "cairn_stored_bytes", "cairn_capacity_bytes",
            "cairn_free_bytes", "cairn_cluster_nodes", "cairn_gossip_heartbeat", "cairn_scrub_checked_bytes_total",
            "cairn_scrub_checked_blocks_total", "cairn_scrub_rounds_total", "cairn_scrub_corrupt_blocks_total",
            "cairn_leases_expired_blocks_total", "cairn_events_total", "cairn_repair_queue_orders",
            "cairn_repair_inflight_copies", "cairn_repair_rate_limit_bytes_per_second", "cairn_repair_copies_total",
            "cairn_repair_copied_bytes_total", "cairn_repair_copy_failures_total", "cairn_repair_trims_total",
            "cairn_repair_blocked", "cairn_distribute_blocks_tracked", "cairn_distribute_blocks",
            "cairn_distribute_nodes");

    @TempDir
    Path dir;

    @Test
    void pageStateEventsAndMetricsWithoutTheKey() {
        DistributeConfig fast = DistributeConfig.DEFAULTS.withHealth(Duration.ofMillis(250), 3);
        try (CairnNode a = CairnNode.start(TestNodes.config(dir.resolve("a"), List.of()).withDistribute(fast)
                .withRoles(Set.of(NodeInfo.ROLE_STORAGE, NodeInfo.ROLE_DISTRIBUTE)))) {
            CairnNode b = CairnNode.start(TestNodes.config(dir.resolve("b"), List.of(a.url())).withDistribute(fast));
            try {
                URI bu = b.url();
                await("b sees a's distribute status").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            JsonNode s = state(bu);
                            return s.get("nodes").size() == 2 && s.get("distribute").get("reachable").booleanValue()
                                    && s.get("distribute").get("status").get("nodes").size() == 2;
                        });
                HttpResponse<byte[]> page = Http.get(bu, "/");
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
                assertThat(page.headers().firstValue("content-security-policy")).hasValue(DashboardRoutes.CSP);
                String html = Http.text(page);
                assertThat(html).contains(a.id().shortHex(), b.id().shortHex(), "/dashboard/app.js")
                        .doesNotContain("{\"initial\":null}");
                for (String path : List.of("/", "/dashboard/state", "/dashboard/events", "/dashboard/app.js",
                        "/dashboard/style.css", "/metrics")) {
                    for (URI u : List.of(a.url(), bu)) {
                        HttpResponse<byte[]> r = Http.get(u, path);
                        assertThat(r.statusCode()).as(u + path).isEqualTo(200);
                        assertThat(Http.text(r)).as("the cluster key must not leak through " + u + path)
                                .doesNotContain(TestNodes.KEY);
                    }
                }
                assertThat(Http.get(bu, "/dashboard/events?limit=0").statusCode()).isEqualTo(400);
                assertThat(Http.get(bu, "/dashboard/events?limit=x").statusCode()).isEqualTo(400);

                String metrics = Http.text(Http.get(a.url(), "/metrics"));
                for (String name : DOCUMENTED_METRICS) {
                    assertThat(metrics).as("documented metric %s", name).containsPattern("(?m)^" + name + "[{ ]");
                }
                assertThat(metrics).contains("cairn_http_requests_seconds_bucket{method=\"GET\",route=\"/dashboard/state\"");

                b.close();
                await("a records b's death as events").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            JsonNode ev = Json.MAPPER.readTree(Http.get(a.url(), "/dashboard/events").body());
                            String all = ev.toString();
                            return all.contains("\"node.joined\"") && all.contains("\"node.dead\"")
                                    && all.contains("\"health.changed\"");
                        });
                JsonNode s = state(a.url());
                assertThat(s.get("health").get("level").stringValue()).isIn("degraded", "critical");
                assertThat(s.get("nodes").toString()).contains("\"status\":\"dead\"");
            } finally {
                b.close();
            }
        }
    }

    static JsonNode state(URI node) {
        HttpResponse<byte[]> r = Http.get(node, "/dashboard/state");
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }
}
