package io.cairn.testkit.apidrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.Placement;
import io.cairn.core.NodeId;
import io.cairn.testkit.TestCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5: the node that receives {@code POST /api/drive/store} coordinates the write to the
 * chunk's 3 XOR-closest alive nodes and answers at the write quorum (2); retrieve works from any
 * node, also one that holds no copy.
 */
class DriveCoordinatorClusterTest {
    @TempDir
    Path tmp;

    @Test
    void storeReachesTheThreeClosestAndRetrieveWorksFromANodeWithoutACopy() {
        long seed = 5_2026_11_21L;
        try (TestCluster cluster = TestCluster.start(4, tmp.resolve("c4"))) {
            DriveCalls.awaitAlive(cluster, 4);
            SplittableRandom random = new SplittableRandom(seed);
            List<Address> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[1 + random.nextInt(64 * 1024)];
                random.nextBytes(data);
                HttpResponse<byte[]> r = DriveCalls.store(cluster.url(i % 4), data);
                assertThat(r.statusCode()).as("seed %d chunk %d: %s", seed, i, new String(r.body())).isEqualTo(200);
                Address id = DriveCalls.CODEC.decodeStoreResponse(r.body());
                assertThat(id).isEqualTo(Address.of(data));
                ids.add(id);
            }
            List<NodeId> all = List.of(cluster.id(0), cluster.id(1), cluster.id(2), cluster.id(3));
            // The quorum (2) of the 3 closest answered; the third copy may still be on its way, or, if
            // a replica looked suspect at that moment, went to the next closest node (hand-off).
            await("seed " + seed + ": 3 copies, at least 2 on the 3 closest nodes").atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> {
                        for (Address id : ids) {
                            List<NodeId> replicas = Placement.closest(id, all, 3);
                            int onReplicas = 0;
                            int copies = 0;
                            for (int n = 0; n < 4; n++) {
                                if (cluster.node(n).store().contains(id)) {
                                    copies++;
                                    onReplicas += replicas.contains(cluster.id(n)) ? 1 : 0;
                                }
                            }
                            assertThat(onReplicas).as("copies of %s on its replicas", id).isGreaterThanOrEqualTo(2);
                            assertThat(copies).as("copies of %s", id).isGreaterThanOrEqualTo(3);
                        }
                    });
            int onlyOnReplicas = 0;
            for (Address id : ids) {
                List<NodeId> replicas = Placement.closest(id, all, 3);
                int outsider = all.indexOf(all.stream().filter(x -> !replicas.contains(x)).findFirst().orElseThrow());
                boolean handedOff = cluster.node(outsider).store().contains(id);
                onlyOnReplicas += handedOff ? 0 : 1;
                HttpResponse<byte[]> got = DriveCalls.retrieve(cluster.url(outsider), id);
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(Address.of(DriveCalls.CODEC.decodeRetrieveResponse(got.body()).verify())).isEqualTo(id);
                assertThat(cluster.node(outsider).store().contains(id)).as("a retrieve does not copy").isEqualTo(handedOff);
            }
            // On a quiet machine every chunk lands on exactly its 3 closest nodes; under load (gossip
            // marks a busy node suspect after 400 ms here) some go to the fourth, which is allowed.
            System.out.printf("seed %d: %d of %d chunks on exactly their 3 closest nodes%n", seed, onlyOnReplicas, ids.size());
        }
    }

    @Test
    void quorumWithOneReplicaDownAnd503WithTwoDown() {
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c3"))) {
            DriveCalls.awaitAlive(cluster, 3);
            cluster.stop(2);
            // at once (node 2 not yet known dead: its copy fails and there is no fourth node) and later
            HttpResponse<byte[]> early = DriveCalls.store(cluster.url(0), "one replica down, early".getBytes());
            assertThat(early.statusCode()).as(new String(early.body())).isEqualTo(200);
            DriveCalls.awaitAlive(cluster, 2);
            HttpResponse<byte[]> r = DriveCalls.store(cluster.url(0), "one replica down".getBytes());
            assertThat(r.statusCode()).isEqualTo(200);
            Address id = DriveCalls.CODEC.decodeStoreResponse(r.body());
            assertThat(cluster.node(0).store().contains(id)).isTrue();
            assertThat(cluster.node(1).store().contains(id)).isTrue();

            cluster.stop(1);
            HttpResponse<byte[]> refused = DriveCalls.store(cluster.url(0), "two replicas down".getBytes());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(refused.body()).path("error").stringValue()).isEqualTo("unavailable");
            DriveCalls.awaitAlive(cluster, 1);
            long before = cluster.node(0).store().blockCount();
            assertThat(DriveCalls.store(cluster.url(0), "two replicas down, later".getBytes()).statusCode()).isEqualTo(503);
            // known too few: refused before any byte moved (DECISIONS: an early refusal may leave a
            // local copy, unacknowledged, that expires with its lease)
            assertThat(cluster.node(0).store().blockCount()).isEqualTo(before);
        }
    }
}
