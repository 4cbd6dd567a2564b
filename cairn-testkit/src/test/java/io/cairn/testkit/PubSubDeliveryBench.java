package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.JettyTransport;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.node.pubsub.PubSubService;
import io.cairn.node.pubsub.PubSubSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue #7's speed figures on real in-process nodes: how many hops and how long a publication
 * takes to reach the one node subscribed to a rare topic, and how much filter traffic the overlay
 * costs each node when nothing is published. Off by default (heavy); run with
 * {@code -Dcairn.bench.pubsub.nodes=N} (see docs/BENCHMARKS.md). All nodes share one HTTP client.
 */
@EnabledIfSystemProperty(named = "cairn.bench.pubsub.nodes", matches = "\\d+")
class PubSubDeliveryBench {
    private static final long SEED = Long.getLong("cairn.bench.pubsub.seed", 707);
    private static final int PUBLICATIONS = Integer.getInteger("cairn.bench.pubsub.publications", 40);
    private static final int RARE_TOPICS = 5;
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(Long.getLong("cairn.bench.pubsub.quietSeconds", 20));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @Test
    void deliveryToARareTopicAndBackgroundTraffic() throws Exception {
        int n = Integer.getInteger("cairn.bench.pubsub.nodes");
        SplittableRandom random = new SplittableRandom(SEED);
        PubSubSettings settings = PubSubSettings.DEFAULTS.withTimers(TICK, REFRESH, REFRESH.multipliedBy(3),
                Duration.ofHours(1), Duration.ofSeconds(30));
        long startMs = System.currentTimeMillis();
        try (JettyTransport transport = JettyTransport.builder().clusterKey(TestCluster.KEY).build();
             TestCluster cluster = TestCluster.start(n, dir, (i, c) -> c.withGossip(Duration.ofMillis(500),
                     Duration.ofSeconds(10), Duration.ofSeconds(30)).withPubSub(settings), transport)) {
            long startedMs = System.currentTimeMillis();
            ContractsClusterTest.awaitOverlay(cluster, Duration.ofMinutes(5));
            long convergedMs = System.currentTimeMillis();

            // Rare topics: each subscribed by exactly one node.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new java.util.Random(SEED));
            Map<String, Integer> subscriberOf = new HashMap<>();
            for (int t = 0; t < RARE_TOPICS; t++) {
                String topic = "rare-" + SEED + "-" + t;
                subscriberOf.put(topic, order.get(t));
                cluster.node(order.get(t)).contracts().pubsub().subscribe(topic);
            }
            subscriberOf.forEach((topic, s) -> awaitFilters(cluster, s, topic));
            long filtersMs = System.currentTimeMillis();

            // Background: filter pushes over a quiet window.
            long[] pushes0 = new long[n];
            long[] bytes0 = new long[n];
            for (int i = 0; i < n; i++) {
                var st = cluster.node(i).contracts().pubsub().stats();
                pushes0[i] = st.filterPushes();
                bytes0[i] = st.filterBytes();
            }
            long w0 = System.nanoTime();
            Awaitility.await().pollDelay(QUIET_WINDOW).atMost(QUIET_WINDOW.plusSeconds(5)).until(() -> true);
            double seconds = (System.nanoTime() - w0) / 1e9;
            List<Double> bytesPerSec = new ArrayList<>();
            List<Double> pushesPerSec = new ArrayList<>();
            int maxDegree = 0;
            for (int i = 0; i < n; i++) {
                PubSubService p = cluster.node(i).contracts().pubsub();
                var st = p.stats();
                long pushes = st.filterPushes() - pushes0[i];
                int degree = p.neighbours().size();
                maxDegree = Math.max(maxDegree, degree);
                bytesPerSec.add((st.filterBytes() - bytes0[i]) / seconds);
                pushesPerSec.add(pushes / seconds);
                // Bounded: one push per neighbour per refresh period (+2 for window edges) when nothing changes.
                assertThat(pushes).as("node %d pushes in %.1f s with %d neighbours", i, seconds, degree)
                        .isLessThanOrEqualTo((long) degree * ((long) Math.ceil(seconds / REFRESH.toSeconds()) + 2));
            }

            // Deliveries.
            List<Integer> hops = new ArrayList<>();
            List<Long> millis = new ArrayList<>();
            int delivered = 0;
            for (int j = 0; j < PUBLICATIONS; j++) {
                String topic = "rare-" + SEED + "-" + (j % RARE_TOPICS);
                int subscriber = subscriberOf.get(topic);
                int publisher = random.nextInt(n);
                if (publisher == subscriber) {
                    publisher = (publisher + 1) % n;
                }
                long t0 = System.currentTimeMillis();
                JsonNode pub = post(cluster.url(publisher), "/pubsub/publish",
                        "{\"topic\":\"" + topic + "\",\"payload\":{\"j\":" + j + "}}");
                String id = pub.get("id").stringValue();
                URI sub = cluster.url(subscriber);
                try {
                    JsonNode m = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                            .until(() -> find(sub, topic, id), x -> x != null);
                    delivered++;
                    hops.add(m.get("hops").intValue());
                    millis.add(m.get("receivedAtMs").longValue() - t0);
                } catch (ConditionTimeoutException missed) {
                    System.out.printf(Locale.ROOT, "publication %d from node %d to node %d missed (seed %d)%n", j, publisher,
                            subscriber, SEED);
                }
            }
            Collections.sort(hops);
            Collections.sort(millis);
            String report = String.format(Locale.ROOT, """
                    pub/sub bench: %d nodes, seed %d, %d publications to %d rare topics (one subscriber each)
                      start %.1f s, overlay converged after %.1f s more, rare-topic filters spread in %.1f s
                      delivered %d/%d (%.1f %%); hops median %d, mean %.2f, p90 %d, max %d
                      time ms median %d, p90 %d, max %d
                      background over %.1f s quiet: filter pushes/s per node mean %.3f max %.3f;
                        bytes/s per node mean %.0f max %.0f; max neighbours %d; filter %d bytes (Base64 JSON)
                    """, n, SEED, PUBLICATIONS, RARE_TOPICS, (startedMs - startMs) / 1e3, (convergedMs - startedMs) / 1e3,
                    (filtersMs - convergedMs) / 1e3, delivered, PUBLICATIONS, 100.0 * delivered / PUBLICATIONS,
                    pct(hops, 50), hops.stream().mapToInt(x -> x).average().orElse(0), pct(hops, 90), pct(hops, 100),
                    pct(millis, 50), pct(millis, 90), pct(millis, 100), seconds,
                    mean(pushesPerSec), max(pushesPerSec), mean(bytesPerSec), max(bytesPerSec), maxDegree,
                    cluster.node(0).contracts().pubsub().stats().filterBytes() / Math.max(1, cluster.node(0).contracts().pubsub().stats().filterPushes()));
            System.out.print(report);
            java.nio.file.Files.writeString(Path.of("target", "pubsub-bench-" + n + ".txt"), report);
            assertThat(delivered).as(report).isPositive();
        }
    }

    /** Waits until every node within 3 overlay hops of {@code subscriber} sees {@code topic} at the right depth. */
    static void awaitFilters(TestCluster cluster, int subscriber, String topic) {
        Map<NodeId, Integer> index = new HashMap<>();
        for (int i = 0; i < cluster.size(); i++) {
            index.put(cluster.id(i), i);
        }
        Awaitility.await("filters for " + topic).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<Integer, Integer> distance = new HashMap<>();
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            distance.put(subscriber, 0);
            queue.add(subscriber);
            while (!queue.isEmpty()) {
                int v = queue.poll();
                int d = distance.get(v);
                if (d >= 3) {
                    continue;
                }
                for (NodeId w : cluster.node(v).contracts().pubsub().neighbours()) {
                    Integer wi = index.get(w);
                    if (wi != null && !distance.containsKey(wi)) {
                        distance.put(wi, d + 1);
                        queue.add(wi);
                    }
                }
            }
            for (var e : distance.entrySet()) {
                if (e.getValue() == 0) {
                    continue;
                }
                int level = cluster.node(e.getKey()).contracts().pubsub().match(topic);
                if (level < 0 || level > e.getValue() - 1) {
                    return false;
                }
            }
            return true;
        });
    }

    static JsonNode find(URI node, String topic, String id) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(node.resolve("/pubsub/messages?topic="
                + URLEncoder.encode(topic, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        for (JsonNode m : Json.MAPPER.readTree(r.body())) {
            if (m.get("id").stringValue().equals(id)) {
                return m;
            }
        }
        return null;
    }

    static JsonNode post(URI node, String path, String json) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(node.resolve(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    static <T extends Comparable<T>> T pct(List<T> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(x -> x).average().orElse(0);
    }

    static double max(List<Double> xs) {
        return xs.stream().mapToDouble(x -> x).max().orElse(0);
    }
}
