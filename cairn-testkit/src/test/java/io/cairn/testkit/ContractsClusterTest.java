package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.CairnClient;
import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.contracts.ContractTopic;
import io.cairn.node.CairnNode;
import io.cairn.node.pubsub.PubSubSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Storage contracts end to end on 10 in-process nodes (issue #7): only the nodes fast enough for
 * the contract subscribe to its topic; the contract walks the overlay to them, two are accepted
 * and store the block, audits pass; a holder whose copy rots on disk fails its audits and a
 * replacement is found among the other subscribers.
 */
class ContractsClusterTest {
    private static final long SEED = 7_010L;
    private static final int NODES = 10;
    /** Nodes 7, 8, 9 advertise 50 Mbps (speed tier high); the others 10 Mbps (tier low). */
    private static final Set<Integer> FAST_NODES = Set.of(7, 8, 9);
    private static final PubSubSettings TIMERS = PubSubSettings.DEFAULTS.withTimers(Duration.ofMillis(100),
            Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(400), Duration.ofSeconds(2));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    static JsonNode call(HttpRequest.Builder r) throws Exception {
        HttpResponse<byte[]> reply = HTTP.send(r.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = Json.MAPPER.readTree(reply.body());
        if (reply.statusCode() >= 300) {
            throw new AssertionError(reply.uri() + " → " + reply.statusCode() + " " + body);
        }
        return body;
    }

    static JsonNode contract(URI node, String id) throws Exception {
        return call(HttpRequest.newBuilder(node.resolve("/contracts/" + id)));
    }

    static Set<String> ids(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.stringValue()));
        return out;
    }

    @Test
    void aContractIsStoredOnTwoSubscribersAuditedAndARottenHolderIsReplaced() throws Exception {
        try (TestCluster cluster = TestCluster.start(NODES, dir, (i, c) -> c.withPubSub(
                TIMERS.withCapability(365, FAST_NODES.contains(i) ? 50 : 10, -1)), null)) {
            String topic = ContractTopic.hexOf(1, 60, 90, 15);
            assertThat(topic).isEqualTo("0f01020303");
            Set<String> subscribers = new HashSet<>();
            FAST_NODES.forEach(i -> subscribers.add(cluster.id(i).hex()));
            for (int i = 0; i < NODES; i++) {
                assertThat(cluster.node(i).contracts().pubsub().contractTopics().contains(topic))
                        .as("node %d subscribes to %s", i, topic).isEqualTo(FAST_NODES.contains(i));
            }
            awaitOverlay(cluster);

            byte[] block = new byte[48 * 1024];
            new SplittableRandom(SEED).nextBytes(block);
            Address address;
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                address = client.putBlock(block);
            }
            URI publisher = cluster.url(0);
            JsonNode created = call(HttpRequest.newBuilder(publisher.resolve("/contracts"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"address\":\"" + address + "\",\"size\":1,"
                            + "\"durationDays\":60,\"availability\":90,\"speedMbps\":15,\"replicas\":2}")));
            assertThat(created.get("topic").stringValue()).isEqualTo(topic);
            String id = created.get("id").stringValue();

            Awaitility.await("two holders store it (seed " + SEED + ")").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> contract(publisher, id).get("stored").size() == 2);
            JsonNode c = contract(publisher, id);
            Set<String> stored = ids(c.get("stored"));
            assertThat(subscribers).as("holders subscribed to the topic; " + c).containsAll(stored);
            assertThat(subscribers).as("only subscribers offer; " + c).containsAll(ids(c.get("offers")));
            assertThat(ids(c.get("accepted"))).isEqualTo(stored);
            long expires = c.get("expiresEpochSecond").longValue();
            for (String holder : stored) {
                CairnNode n = cluster.node(indexOf(cluster, holder));
                assertThat(n.store().lease(address).orElseThrow().expiresEpochSecond())
                        .as("held for the contract's duration").isGreaterThanOrEqualTo(expires);
            }
            Awaitility.await("audits pass (seed " + SEED + ")").atMost(Duration.ofSeconds(10))
                    .until(() -> contract(publisher, id).get("auditsPassed").longValue() >= 2);
            assertThat(contract(publisher, id).get("auditsFailed").longValue()).isZero();

            String victim = stored.iterator().next();
            rot(cluster.dataDir(indexOf(cluster, victim)), block);
            Awaitility.await("the rotten holder fails and is replaced (seed " + SEED + ")").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        JsonNode now = contract(publisher, id);
                        return ids(now.get("failed")).contains(victim) && now.get("stored").size() == 2;
                    });
            JsonNode after = contract(publisher, id);
            Set<String> holders = ids(after.get("stored"));
            assertThat(holders).as(after.toString()).doesNotContain(victim);
            assertThat(subscribers).containsAll(holders);
            assertThat(after.get("publications").intValue()).isGreaterThanOrEqualTo(2);
            assertThat(after.get("auditsFailed").longValue()).isGreaterThanOrEqualTo(TIMERS.auditAttempts());
        }
    }

    /** Every node knows all others and holds a fresh filter from each of its overlay neighbours. */
    static void awaitOverlay(TestCluster cluster) {
        awaitOverlay(cluster, Duration.ofSeconds(30));
    }

    static void awaitOverlay(TestCluster cluster, Duration atMost) {
        Awaitility.await("overlay converges").atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int i : cluster.runningNodes()) {
                var pubsub = cluster.node(i).contracts().pubsub();
                if (cluster.node(i).nodes().stream().filter(n -> n.alive()).count() != cluster.size()
                        || pubsub.neighbours().isEmpty()
                        || !pubsub.neighboursWithFilters().containsAll(pubsub.neighbours())) {
                    return false;
                }
            }
            return true;
        });
    }

    static int indexOf(TestCluster cluster, String idHex) {
        NodeId id = NodeId.parse(idHex);
        for (int i = 0; i < cluster.size(); i++) {
            if (cluster.id(i).equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no node " + idHex);
    }

    /** Flips one bit in the middle of the block's bytes wherever they lie under the node's data directory. */
    static void rot(Path dataDir, byte[] block) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        byte[] probe = java.util.Arrays.copyOfRange(block, 0, 64);
        for (Path f : files) {
            byte[] all = Files.readAllBytes(f);
            for (int at = 0; at + block.length <= all.length; at++) {
                if (all[at] == probe[0] && java.util.Arrays.equals(all, at, at + 64, probe, 0, 64)) {
                    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                        raf.seek(at + block.length / 2);
                        raf.write(all[at + block.length / 2] ^ 0x10);
                    }
                    return;
                }
            }
        }
        throw new AssertionError("block bytes not found under " + dataDir);
    }
}
