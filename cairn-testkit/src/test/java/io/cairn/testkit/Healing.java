package io.cairn.testkit;

import static org.awaitility.Awaitility.await;

import io.cairn.client.CairnClient;
import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.Manifest;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.Placement;
import io.cairn.node.DistributeConfig;
import io.cairn.node.NodeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import tools.jackson.databind.JsonNode;

/** Helpers of the self-healing suite: a healing cluster, stored data, and the truth asked of the nodes. */
final class Healing {
    static final int N = 3;
    /** Fast health checks: dead after three missed 250 ms checks. */
    static final DistributeConfig FAST = DistributeConfig.DEFAULTS
            .withHealth(Duration.ofMillis(250), 3)
            .withTrimGrace(Duration.ofSeconds(1))
            .withRepairRateBytesPerSecond(0);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Healing() {}

    /** Node 0 also plays distribute; every node uses {@code settings}. */
    static TestCluster.Customizer healing(DistributeConfig settings) {
        return healing(i -> settings);
    }

    static TestCluster.Customizer healing(IntFunction<DistributeConfig> settings) {
        return (i, c) -> {
            NodeConfig out = c.withDistribute(settings.apply(i));
            return i == 0 ? out.withRoles(Set.of(NodeInfo.ROLE_STORAGE, NodeInfo.ROLE_DISTRIBUTE)) : out;
        };
    }

    /** Stores a seeded random file; returns every block address (chunks and manifest). */
    static List<Address> storeFile(TestCluster cluster, Path tmp, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        Path file = Files.write(tmp.resolve("file-" + seed), bytes);
        try (CairnClient client = CairnClient.builder().node(cluster.url(0)).clusterKey(cluster.clusterKey())
                .nodeListMaxAge(Duration.ZERO).build()) {
            Address address = client.put(file);
            Manifest manifest = client.stat(address).manifest();
            List<Address> out = new ArrayList<>();
            out.add(address);
            manifest.chunks().forEach(c -> out.add(c.id()));
            return out;
        }
    }

    static void awaitAllAlive(TestCluster cluster, int expected) {
        try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
            await("node 0 sees " + expected + " alive").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> client.view().refresh().stream().filter(NodeInfo::alive).count() == expected);
        }
    }

    static JsonNode status(URI distribute) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(distribute + "/distribute/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return Json.MAPPER.readTree(r.body());
    }

    /** The distribute service has every running node registered with a complete inventory. */
    static boolean settled(TestCluster cluster) throws Exception {
        JsonNode s = status(cluster.url(0));
        int complete = 0;
        for (JsonNode n : s.get("nodes")) {
            if (n.get("registered").booleanValue() && n.get("inventory").stringValue().equals("complete")
                    && n.get("state").stringValue().equals("alive")) {
                complete++;
            }
        }
        return complete == cluster.runningNodes().size() && s.get("repairState").stringValue().equals("idle");
    }

    static void awaitSettled(TestCluster cluster, long seed) {
        await("distribute service settled (seed " + seed + ")").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> settled(cluster));
    }

    static boolean holds(URI node, Address a) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/blocks/" + a.hex()))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static byte[] get(URI node, Address a) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/blocks/" + a.hex()))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(node + " answered " + r.statusCode() + " for " + a);
        }
        return r.body();
    }

    /** Node index → URL at which the test asks it (directly, never through the distribute service). */
    static Map<NodeId, URI> direct(TestCluster cluster, List<Integer> nodes) {
        Map<NodeId, URI> out = new HashMap<>();
        for (int i : nodes) {
            out.put(cluster.id(i), cluster.url(i));
        }
        return out;
    }

    /**
     * The blocks not yet held by all of their N closest nodes among {@code nodes}, asking each node.
     * With {@code exact}, also those still held by a node of {@code nodes} outside the N closest.
     */
    static List<String> misplaced(TestCluster cluster, List<Integer> nodes, List<Address> blocks, boolean exact) {
        Map<NodeId, URI> urls = direct(cluster, nodes);
        List<String> wrong = new ArrayList<>();
        for (Address a : blocks) {
            List<NodeId> top = Placement.closest(a, urls.keySet(), N);
            for (Map.Entry<NodeId, URI> e : urls.entrySet()) {
                boolean should = top.contains(e.getKey());
                boolean does = holds(e.getValue(), a);
                if (should && !does) {
                    wrong.add(a.hex().substring(0, 8) + " missing on " + e.getKey().shortHex());
                } else if (exact && !should && does) {
                    wrong.add(a.hex().substring(0, 8) + " extra on " + e.getKey().shortHex());
                }
            }
        }
        return wrong;
    }

    /** The storage node (not node 0) that is among the N closest of the most blocks. */
    static int busiestReplica(TestCluster cluster, List<Address> blocks, Set<Integer> exclude) {
        List<Integer> all = cluster.runningNodes();
        Map<NodeId, Integer> index = new HashMap<>();
        all.forEach(i -> index.put(cluster.id(i), i));
        int[] count = new int[cluster.size()];
        for (Address a : blocks) {
            for (NodeId id : Placement.closest(a, index.keySet(), N)) {
                count[index.get(id)]++;
            }
        }
        int best = -1;
        for (int i : all) {
            if (i != 0 && !exclude.contains(i) && (best < 0 || count[i] > count[best])) {
                best = i;
            }
        }
        return best;
    }
}
