package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.client.JettyTransport;
import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import io.cairn.node.CairnNode;
import io.cairn.node.DistributeConfig;
import io.cairn.node.NodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #9: {@code cairn status} exits 0 healthy, 1 degraded, 2 when a block has no healthy copy. */
class StatusExitCodeTest {
    static final long SEED = 909_0001;
    static final DistributeConfig FAST = DistributeConfig.DEFAULTS.withHealth(Duration.ofMillis(250), 3)
            .withRepairRateBytesPerSecond(0);
    static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static void awaitExit(int code, String node, String why) {
        awaitExit(code, "", node, why);
    }

    /** Waits until {@code cairn status} exits with {@code code} and its first line starts with {@code first}. */
    private static void awaitExit(int code, String first, String node, String why) {
        Cli[] last = new Cli[1];
        try {
            await(why + " (seed " + SEED + ")").atMost(BOUND).pollInterval(Duration.ofMillis(250)).until(() -> {
                last[0] = Cli.run("status", "--node", node);
                return last[0].exit() == code && last[0].stdout().startsWith(first);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(why + ": last run " + last[0], e);
        }
    }

    @Test
    void healthyThenDegradedWhenANodeIsGone() throws Exception {
        Path keyFile = dir.resolve("cluster.key");
        String key = ClusterKeys.readOrCreate(keyFile);
        try (LocalCluster cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("nodes"), 3, key, FAST)) {
            try (JettyTransport t = new JettyTransport(key)) {
                assertThat(cluster.awaitAlive(t, 3, Duration.ofSeconds(20))).as("membership converged").isTrue();
            }
            String node = cluster.node(1).url().toString();
            byte[] content = new byte[200_000];
            new SplittableRandom(SEED).nextBytes(content);
            Path file = Files.write(dir.resolve("in.bin"), content);
            Cli put = Cli.run("put", file.toString(), "--node", node, "--cluster-key-file", keyFile.toString());
            assertThat(put.exit()).as(put.toString()).isZero();

            // 4 chunks and the manifest; the first passes may have run before they were reported.
            awaitExit(0, "HEALTHY  all 5 blocks have 3 healthy copies", node, "every block at 3 healthy copies");
            Cli ok = Cli.run("status", "--node", node);
            assertThat(ok.exit()).isZero();
            assertThat(ok.stdout()).as("piped: no colour").doesNotContain("\u001b[");
            Cli json = Cli.run("status", "--node", node, "--json");
            assertThat(json.exit()).isZero();
            assertThat(Json.MAPPER.readTree(json.stdout()).get("verdict").get("health").stringValue()).isEqualTo("healthy");

            cluster.stop(2);
            awaitExit(1, "DEGRADED  5 blocks have fewer than 3", node, "two storage nodes left for N=3: degraded");
        }
    }

    @Test
    void criticalWhenTheOnlyHolderOfABlockIsGone() throws Exception {
        String key = "status-exit-test-key";
        NodeConfig base = NodeConfig.storage(0, dir.resolve("d"), List.of(), key).withDistribute(FAST);
        try (CairnNode distribute = CairnNode.start(base.withRoles(Set.of(NodeInfo.ROLE_DISTRIBUTE)))) {
            CairnNode storage = CairnNode.start(NodeConfig.storage(0, dir.resolve("s"), List.of(distribute.url()), key)
                    .withDistribute(FAST));
            try {
                String node = distribute.url().toString();
                byte[] block = new byte[1000];
                new SplittableRandom(SEED).nextBytes(block);
                HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(storage.url() + "/blocks/" + Address.of(block).hex()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(block)).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(201);
                awaitExit(1, "DEGRADED  1 blocks have fewer than 3", node,
                        "one storage node holds the block: one copy of N=3, degraded");
                storage.close();
                awaitExit(2, "CRITICAL  1 blocks have no healthy copy", node, "the only holder is gone: critical");
            } finally {
                storage.close();
            }
        }
    }
}
