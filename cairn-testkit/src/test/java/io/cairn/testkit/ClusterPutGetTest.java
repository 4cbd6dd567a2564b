package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.client.CairnClient;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #2's cluster behaviour, against real in-process nodes on loopback. */
class ClusterPutGetTest {
    private static final Duration MEMBERSHIP_BOUND = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private static Path randomFile(Path dir, String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static void awaitAlive(TestCluster cluster, int node, int expectedAlive) {
        try (CairnClient client = CairnClient.connect(cluster.url(node), cluster.clusterKey())) {
            await("node " + node + " sees " + expectedAlive + " alive").atMost(MEMBERSHIP_BOUND)
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> client.view().refresh().stream().filter(NodeInfo::alive).count() == expectedAlive);
        }
    }

    @Test
    void putOnOneNodeGetFromEveryOther() throws Exception {
        long seed = 2026_11_21L;
        try (TestCluster cluster = TestCluster.start(5, tmp.resolve("cluster"))) {
            for (int i = 0; i < 5; i++) {
                awaitAlive(cluster, i, 5);
            }
            Path file = randomFile(tmp, "in.bin", 1_000_000 + 123, seed);
            Address address;
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                address = client.put(file);
            }
            for (int i = 1; i < 5; i++) {
                Path out = tmp.resolve("out-" + i);
                try (CairnClient client = CairnClient.connect(cluster.url(i), cluster.clusterKey())) {
                    client.get(address, out);
                }
                assertThat(out).as("read through node %d (seed %d)", i, seed).hasSameBinaryContentAs(file);
                // and the server-side assembly on that node
                HttpResponse<byte[]> whole = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(cluster.url(i) + "/files/" + address.hex())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(whole.statusCode()).isEqualTo(200);
                assertThat(whole.body()).isEqualTo(Files.readAllBytes(file));
            }
        }
    }

    @Test
    void fileStillReadsAfterAReplicaIsKilled() throws Exception {
        long seed = 77;
        try (TestCluster cluster = TestCluster.start(5, tmp.resolve("cluster"))) {
            awaitAlive(cluster, 0, 5);
            Path file = randomFile(tmp, "in.bin", 700_000, seed);
            Address address;
            List<NodeInfo> replicas;
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                address = client.put(file);
                replicas = client.replicasOf(address);
            }
            // stop a replica of the manifest other than node 0, through which we read
            int victim = -1;
            for (int i = 1; i < 5 && victim < 0; i++) {
                int idx = i;
                if (replicas.stream().anyMatch(r -> r.id().equals(cluster.id(idx)))) {
                    victim = i;
                }
            }
            assertThat(victim).as("some replica besides node 0 (seed %d)", seed).isPositive();
            cluster.stop(victim);
            Path out = tmp.resolve("out");
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                client.get(address, out); // before the cluster even notices: fail-over
            }
            assertThat(out).hasSameBinaryContentAs(file);
            int stopped = victim;
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                await("the stopped node is no longer alive").atMost(MEMBERSHIP_BOUND).ignoreExceptions()
                        .until(() -> client.view().refresh().stream()
                                .filter(n -> n.id().equals(cluster.id(stopped)))
                                .anyMatch(n -> n.status() != NodeStatus.ALIVE));
                Path again = tmp.resolve("again");
                client.get(address, again);
                assertThat(again).hasSameBinaryContentAs(file);
            }
        }
    }

    @Test
    void writesAreRefusedWith503WhenOnlyOneNodeIsAlive() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("cluster"))) {
            awaitAlive(cluster, 0, 3);
            cluster.stop(1);
            cluster.stop(2);
            awaitAlive(cluster, 0, 1);
            Path file = randomFile(tmp, "in.bin", 10_000, 5);
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                assertThatThrownBy(() -> client.put(file)).isInstanceOfSatisfying(CairnException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            }
            assertThat(cluster.node(0).store().blockCount()).as("nothing stored").isZero();
        }
    }

    @Test
    void restartedNodeKeepsItsIdAndBlocks() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("cluster"))) {
            awaitAlive(cluster, 0, 3);
            Path file = randomFile(tmp, "in.bin", 300_000, 9);
            Address address;
            try (CairnClient client = CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
                address = client.put(file);
            }
            long before = cluster.node(2).store().blockCount();
            var id = cluster.id(2);
            cluster.restart(2);
            assertThat(cluster.id(2)).isEqualTo(id);
            assertThat(cluster.node(2).store().blockCount()).isEqualTo(before);
            awaitAlive(cluster, 0, 3);
            cluster.stop(0);
            cluster.stop(1);
            // node 2 alone still serves what it holds, verified
            try (CairnClient client = CairnClient.connect(cluster.url(2), cluster.clusterKey())) {
                assertThat(client.getBlock(address)).isNotNull();
            }
        }
    }
}
