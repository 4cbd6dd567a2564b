package io.cairn.testkit.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Lease;
import io.cairn.node.apidrive.DriveSettings;
import io.cairn.testkit.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5 leases that slide, on 3 nodes (every chunk on all three) with a wall clock moved by
 * hand; the keepers and renewal batches run when the test says so.
 *
 * <ul>
 *   <li>a chunk read (API Drive) on day 29 lives to day 59 on every replica;</li>
 *   <li>an unread chunk is gone after day 30 on every replica, and reclaimed after the grace;</li>
 *   <li>a chunk read on one replica only ({@code GET /blocks}, which tells no one) survives on all,
 *       because the others ask before letting it expire;</li>
 *   <li>a replica that was down while that happened revives its expired copy when it returns.</li>
 * </ul>
 */
class DriveLeaseClusterTest {
    private static final Instant DAY0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void leasesSlideOnReadAndExpireOnlyWhenNoReplicaHoldsALiveOne() throws Exception {
        WallClock clock = new WallClock(DAY0);
        DriveSettings drive = DriveSettings.DEFAULTS.withMaintenance(Duration.ZERO, Duration.ofDays(1), Duration.ofDays(1))
                .withRenewalFlushInterval(Duration.ofHours(1)); // flushed by hand below
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"), clock, c -> c.withDrive(drive))) {
            DriveCalls.awaitAlive(cluster, 3);
            Address readDay29 = store(cluster, "read through API Drive on day 29");
            Address unread = store(cluster, "never read");
            Address readOnOne = store(cluster, "read with GET /blocks on node 1 only");
            Address revived = store(cluster, "read on node 0 while node 2 is down");
            for (Address a : new Address[] {readDay29, unread, readOnOne, revived}) {
                awaitOnAll(cluster, a);
            }
            cluster.stop(2);
            DriveCalls.awaitAlive(cluster, 2);

            clock.set(DAY0.plus(Duration.ofDays(29)));
            assertThat(DriveCalls.retrieve(cluster.url(0), readDay29).statusCode()).isEqualTo(200);
            assertThat(cluster.node(0).apiDrive().flushRenewals()).as("node 1 renewed; node 2 is down").isEqualTo(1);
            assertThat(get(cluster.url(1), readOnOne)).isEqualTo(200);
            assertThat(get(cluster.url(0), revived)).isEqualTo(200);

            clock.set(DAY0.plus(Duration.ofDays(29)).plus(Duration.ofHours(12)));
            keepers(cluster); // nodes 0 and 1: within the lookahead, they compare leases

            clock.set(DAY0.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
            cluster.restart(2); // its copies ended at day 30 while it was away
            DriveCalls.awaitAlive(cluster, 3);
            // node 2 missed the day-29 renewal of readDay29; its keeper adopts the others' lease
            keepers(cluster);

            Lease day59 = Lease.until(DAY0.plus(Duration.ofDays(59)));
            for (int n = 0; n < 3; n++) {
                String where = "node " + n;
                assertThat(cluster.node(n).store().contains(unread)).as(where + ": unread, gone after day 30").isFalse();
                assertThat(cluster.node(n).store().lease(readDay29)).as(where).hasValue(day59);
                assertThat(cluster.node(n).store().contains(readOnOne)).as(where + ": read on one, kept on all").isTrue();
                assertThat(cluster.node(n).store().lease(readOnOne).orElseThrow().expiresEpochSecond())
                        .as(where).isGreaterThanOrEqualTo(day59.expiresEpochSecond() - 60);
                assertThat(cluster.node(n).store().contains(revived)).as(where + ": revived after its return").isTrue();
            }
            assertThat(DriveCalls.retrieve(cluster.url(2), unread).statusCode()).isEqualTo(404);

            clock.set(DAY0.plus(Duration.ofDays(31)).plus(Duration.ofHours(2)));
            AtomicInteger reclaimed = new AtomicInteger();
            for (int n = 0; n < 3; n++) {
                reclaimed.addAndGet(cluster.node(n).apiDrive().runLeaseKeeper().reclaimed());
            }
            assertThat(reclaimed).as("the unread chunk's space, on every replica").hasValue(3);

            clock.set(DAY0.plus(Duration.ofDays(58)).plus(Duration.ofHours(12)));
            assertThat(cluster.node(2).store().contains(readDay29)).isTrue();
            clock.set(DAY0.plus(Duration.ofDays(59)).plus(Duration.ofSeconds(1)));
            for (int n = 0; n < 3; n++) {
                assertThat(cluster.node(n).store().contains(readDay29)).as("node %d after day 59", n).isFalse();
            }
        }
    }

    private static void keepers(TestCluster cluster) {
        for (int n : cluster.runningNodes()) {
            cluster.node(n).apiDrive().runLeaseKeeper();
        }
    }

    private static Address store(TestCluster cluster, String text) {
        HttpResponse<byte[]> r = DriveCalls.store(cluster.url(0), text.getBytes());
        assertThat(r.statusCode()).isEqualTo(200);
        return DriveCalls.CODEC.decodeStoreResponse(r.body());
    }

    private static void awaitOnAll(TestCluster cluster, Address a) {
        for (int n = 0; n < 3; n++) {
            int node = n;
            org.awaitility.Awaitility.await("copy on node " + n).atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                    .until(() -> cluster.node(node).store().contains(a));
        }
    }

    private static int get(URI node, Address a) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(node.resolve("/blocks/" + a.hex())).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
