package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.client.CairnClient;
import io.cairn.client.NameClient;
import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.names.HashRing;
import io.cairn.core.names.Name;
import io.cairn.node.directory.DirectorySettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Issue #4's cluster behaviour of the directory, on in-process nodes over loopback. */
class DirectoryClusterTest {
    static final Duration BOUND = Duration.ofSeconds(30);
    static final DirectorySettings FAST = DirectorySettings.DEFAULTS
            .withIntervals(Duration.ofMillis(300), Duration.ofHours(1));

    @TempDir
    Path tmp;

    static void awaitAlive(TestCluster cluster, int expectedAlive) {
        for (int i : cluster.runningNodes()) {
            try (CairnClient client = CairnClient.connect(cluster.url(i), cluster.clusterKey())) {
                await("node " + i + " sees " + expectedAlive + " alive").atMost(BOUND)
                        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> client.view().refresh().stream().filter(NodeInfo::alive).count() == expectedAlive
                                && cluster.node(i).directory().settled());
            }
        }
    }

    /** The name's R=3 successors among the running nodes, as node indexes, owner first. */
    static List<Integer> successors(TestCluster cluster, String name) {
        List<Integer> running = cluster.runningNodes();
        List<NodeId> ids = running.stream().map(cluster::id).toList();
        return HashRing.of(ids).successors(Name.of(name), 3).stream()
                .map(id -> running.stream().filter(i -> cluster.id(i).equals(id)).findFirst().orElseThrow()).toList();
    }

    /** The raw record a node holds for a name (internal read), or null. */
    static byte[] localRecord(TestCluster cluster, int node, String name) {
        HttpResponse<byte[]> r = NamesHttp.internal(URI.create(cluster.url(node) + "/internal/names/read"), "POST",
                name.getBytes(StandardCharsets.UTF_8), cluster.clusterKey());
        return r.statusCode() == 200 ? r.body() : null;
    }

    @Test
    void concurrentWritersOfOneNameOnDifferentNodesLeaveTheSameWinnerOnEveryReplica() throws Exception {
        long seed = 4_001L;
        try (TestCluster cluster = TestCluster.start(5, tmp.resolve("c"), FAST)) {
            awaitAlive(cluster, 5);
            String name = "contended/key";
            try (ExecutorService writers = Executors.newFixedThreadPool(5)) {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < 5; w++) {
                    int writer = w;
                    done.add(writers.submit(() -> {
                        for (int k = 0; k < 10; k++) {
                            byte[] v = ("writer-" + writer + "-round-" + k + "-seed-" + seed).getBytes(StandardCharsets.UTF_8);
                            assertThat(NamesHttp.put(cluster.url(writer), name, v).statusCode()).isEqualTo(201);
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            List<Integer> replicas = successors(cluster, name);
            await("replicas of " + name + " agree (seed " + seed + ")").atMost(BOUND).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        byte[] first = localRecord(cluster, replicas.getFirst(), name);
                        assertThat(first).isNotNull();
                        for (int r : replicas) {
                            assertThat(localRecord(cluster, r, name)).as("replica %d", r).isEqualTo(first);
                        }
                    });
            // Every node's read agrees with the replicas' winner.
            byte[] winner = NamesHttp.getFollowing(cluster.url(0), name).body();
            assertThat(new String(winner, StandardCharsets.UTF_8)).startsWith("writer-");
            for (int i = 1; i < 5; i++) {
                assertThat(NamesHttp.getFollowing(cluster.url(i), name).body()).isEqualTo(winner);
            }
        }
    }

    @Test
    void aJoinAndADeathWhileWritingLoseNoAcknowledgedName() throws Exception {
        long seed = 4_002L;
        SplittableRandom random = new SplittableRandom(seed);
        try (TestCluster cluster = TestCluster.start(4, tmp.resolve("c"), FAST)) {
            awaitAlive(cluster, 4);
            Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
            int names = 60;
            int writes = 180;
            for (int w = 0; w < writes; w++) {
                if (w == writes / 3) {
                    cluster.addNode();
                }
                if (w == 2 * writes / 3) {
                    cluster.stop(1);
                }
                String name = String.format("churn/%03d", random.nextInt(names));
                byte[] value = ("value " + w + " of " + name + " seed " + seed).getBytes(StandardCharsets.UTF_8);
                List<Integer> running = cluster.runningNodes();
                int via = running.get(random.nextInt(running.size()));
                // A write is retried until acknowledged, so the last acknowledged value is the last one sent.
                await("write " + w + " of " + name + " (seed " + seed + ")").atMost(BOUND).ignoreExceptions()
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            List<Integer> now = cluster.runningNodes();
                            int node = now.contains(via) ? via : now.getFirst();
                            return NamesHttp.put(cluster.url(node), name, value).statusCode() == 201;
                        });
                acknowledged.put(name, value);
            }
            awaitAlive(cluster, 4);
            for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
                for (int i : cluster.runningNodes()) {
                    await(e.getKey() + " via node " + i + " (seed " + seed + ")").atMost(BOUND).ignoreExceptions()
                            .pollDelay(Duration.ZERO)
                            .untilAsserted(() -> assertThat(NamesHttp.getFollowing(cluster.url(i), e.getKey()).body())
                                    .isEqualTo(e.getValue()));
                }
            }
            // Every record sits on its current successors once anti-entropy has settled.
            for (String name : acknowledged.keySet()) {
                for (int r : successors(cluster, name)) {
                    await(name + " on successor " + r + " (seed " + seed + ")").atMost(BOUND).pollDelay(Duration.ZERO)
                            .until(() -> localRecord(cluster, r, name) != null);
                }
            }
        }
    }

    @Test
    void listingPagesInOrderWithoutGapsOrDuplicatesWhileNamesAreAdded() throws Exception {
        long seed = 4_003L;
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"), FAST)) {
            awaitAlive(cluster, 3);
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                before.add(String.format("ls/%04d", i * 2));
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<Integer>> puts = new ArrayList<>();
                for (int i = 0; i < before.size(); i++) {
                    String n = before.get(i);
                    URI via = cluster.url(i % 3);
                    puts.add(pool.submit(() -> NamesHttp.put(via, n, n.getBytes(StandardCharsets.UTF_8)).statusCode()));
                }
                for (Future<Integer> f : puts) {
                    assertThat(f.get()).isEqualTo(201);
                }
                AtomicBoolean stop = new AtomicBoolean();
                Future<?> adder = pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    while (!stop.get()) {
                        String n = String.format("ls/%04d", r.nextInt(200) * 2 + 1);
                        NamesHttp.put(cluster.url(r.nextInt(3)), n, n.getBytes(StandardCharsets.UTF_8));
                    }
                });
                List<String> seen = new ArrayList<>();
                String after = null;
                int page = 0;
                do {
                    String q = "/names?prefix=ls%2F&limit=25" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
                    JsonNode json = Json.MAPPER.readTree(NamesHttp.get(URI.create(cluster.url(page % 3) + q)).body());
                    for (JsonNode e : json.path("entries")) {
                        seen.add(e.path("name").stringValue());
                    }
                    after = json.path("next").isNull() ? null : json.path("next").stringValue();
                    page++;
                } while (after != null && page < 1000);
                stop.set(true);
                adder.get();
                assertThat(seen).as("ascending, no duplicates (seed %d)", seed).isSorted().doesNotHaveDuplicates();
                assertThat(seen).as("no gaps (seed %d)", seed).containsAll(before);
            }
        }
    }

    @Test
    void namesRenewTheLeasesOfTheirBlocksAndDeletedNamesStopDoingSo() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"), FAST)) {
            awaitAlive(cluster, 3);
            // Two blocks with a one-hour lease, each on every node (3 nodes, N = 3).
            byte[] kept = "kept block".getBytes(StandardCharsets.UTF_8);
            byte[] dropped = "dropped block".getBytes(StandardCharsets.UTF_8);
            for (byte[] b : List.of(kept, dropped)) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse<byte[]> r = NamesHttp.send(java.net.http.HttpClient.newHttpClient(),
                            java.net.http.HttpRequest.newBuilder(URI.create(cluster.url(i) + "/blocks/" + Address.of(b).hex()))
                                    .header("X-Cairn-Lease", "3600").PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(b)));
                    assertThat(r.statusCode()).isEqualTo(201);
                }
            }
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                NameClient names = client.names();
                names.bind("lease/kept", Address.of(kept));
                names.bind("lease/dropped", Address.of(dropped));
                names.delete("lease/dropped");
            }
            for (int i = 0; i < 3; i++) {
                cluster.node(i).directory().renewLeasesNow();
            }
            long month = Instant.now().plus(Lease.DEFAULT_DURATION).minusSeconds(600).getEpochSecond();
            long hour = Instant.now().plusSeconds(3700).getEpochSecond();
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.node(i).store().lease(Address.of(kept)).orElseThrow().expiresEpochSecond())
                        .as("kept on node %d", i).isGreaterThan(month);
                assertThat(cluster.node(i).store().lease(Address.of(dropped)).orElseThrow().expiresEpochSecond())
                        .as("dropped on node %d", i).isLessThan(hour);
            }
        }
    }

    @Test
    void theCliStyleClientPutsToTheRoomiestNodeAndGetsByName() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"), FAST)) {
            awaitAlive(cluster, 3);
            byte[] small = new byte[10_000];
            byte[] large = new byte[NameClient.RAW_PUT_MAX_BYTES + 100_000];
            new SplittableRandom(4_004L).nextBytes(small);
            new SplittableRandom(4_005L).nextBytes(large);
            Path smallFile = Files.write(tmp.resolve("small"), small);
            Path largeFile = Files.write(tmp.resolve("large"), large);
            try (CairnClient client = CairnClient.connect(cluster.url(2), cluster.clusterKey())) {
                NameClient names = client.names();
                assertThat(names.put("files/small", smallFile).size()).isEqualTo(small.length);
                assertThat(names.put("files/large", largeFile).size()).isEqualTo(large.length);
                names.get("files/small", tmp.resolve("small.out"));
                names.get("files/large", tmp.resolve("large.out"));
                assertThat(tmp.resolve("small.out")).hasSameBinaryContentAs(smallFile);
                assertThat(tmp.resolve("large.out")).hasSameBinaryContentAs(largeFile);
                NameClient.Page page = names.list("files/", null, 10);
                assertThat(page.entries()).extracting(NameClient.Entry::name).containsExactly("files/large", "files/small");
                assertThat(page.next()).isNull();
                names.delete("files/small");
                assertThat(names.list("files/", null, 10).entries()).hasSize(1);
            }
            // choose(): most free space per unit of load
            List<NodeInfo> list = List.of(
                    new NodeInfo(NodeId.random(), URI.create("http://a:1"), Set.of("storage"), io.cairn.core.NodeStatus.ALIVE, 100, 1000, 0, 0),
                    new NodeInfo(NodeId.random(), URI.create("http://b:1"), Set.of("storage"), io.cairn.core.NodeStatus.ALIVE, 300, 1000, 5, 0),
                    new NodeInfo(NodeId.random(), URI.create("http://c:1"), Set.of("storage"), io.cairn.core.NodeStatus.DEAD, 900, 1000, 0, 0));
            assertThat(NameClient.choose(list).url()).isEqualTo(URI.create("http://a:1"));
        }
    }

    static Set<String> asSet(String... s) {
        return new HashSet<>(Arrays.asList(s));
    }
}
