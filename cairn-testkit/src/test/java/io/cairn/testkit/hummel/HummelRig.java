package io.cairn.testkit.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.client.hummel.HummelHttp;
import io.cairn.client.sync.SyncClient;
import io.cairn.client.sync.SyncReport;
import io.cairn.core.Hex;
import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import io.cairn.node.hummel.HummelSettings;
import io.cairn.testkit.TestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A repository on an in-process cluster: node 0 the master of {@code repo}, nodes 1..n-1 its
 * slaves (fast heartbeats: 200 ms, silent after 1 s), one shared {@link HummelHttp}.
 */
final class HummelRig implements AutoCloseable {
    static final String WRITE = "rig-write-token-0123456789";
    static final String SLAVE = "rig-slave-token-0123456789";
    static final Duration HEARTBEAT = Duration.ofMillis(200);
    static final Duration SLAVE_TIMEOUT = Duration.ofSeconds(1);
    static final Duration BOUND = Duration.ofSeconds(60);

    final TestCluster cluster;
    final Path repo;
    final HummelHttp http = new HummelHttp();

    HummelRig(Path root, int nodes, long[] quotas) throws IOException {
        this.repo = Files.createDirectories(root.resolve("repo"));
        this.cluster = TestCluster.start(nodes, root.resolve("cluster"), (i, c) -> c.withHummel(i == 0
                ? HummelSettings.master(repo, WRITE, SLAVE).withHeartbeat(HEARTBEAT, SLAVE_TIMEOUT)
                : HummelSettings.slave(c.join().getFirst(), SLAVE, quotas == null ? 0 : quotas[i])
                        .withHeartbeat(HEARTBEAT, SLAVE_TIMEOUT)), null);
        try (var client = io.cairn.client.CairnClient.connect(cluster.url(0), cluster.clusterKey())) {
            await("all nodes alive").atMost(BOUND).ignoreExceptions().pollInterval(Duration.ofMillis(100))
                    .until(() -> client.view().refresh().stream().filter(NodeInfo::alive).count() == nodes);
        }
    }

    URI master() {
        return cluster.url(0);
    }

    JsonNode get(String path) {
        HummelHttp.Reply r = http.call("GET", master().resolve(path), Map.of(), null, Duration.ofSeconds(20));
        assertThat(r.status()).as("GET %s", path).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    /** Starts a build, waits for it to end, returns its final progress. */
    JsonNode build() {
        HummelHttp.Reply r = http.call("POST", master().resolve("/build"), Map.of("X-HUMMEL-TOKEN", WRITE), null,
                Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(202);
        String id = Json.MAPPER.readTree(r.body()).path("build").asString();
        await("build " + id).atMost(BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> !get("/build/" + id).path("state").asString().equals("running"));
        JsonNode done = get("/build/" + id);
        assertThat(done.path("state").asString()).as("build %s", done).isEqualTo("done");
        return done;
    }

    /** Waits until every running slave holds all archives of the current index (no quota). */
    void awaitSlavesHoldAll() {
        await("slaves mirror the index").atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode s = get("/hummel/status");
            long archives = s.path("archives").asLong();
            int live = 0;
            for (JsonNode sl : s.path("slaves")) {
                if (sl.path("state").asString().equals("live")) {
                    if (sl.path("archivesHeld").asLong() != archives) {
                        return false;
                    }
                    live++;
                }
            }
            return live == cluster.runningNodes().size() - 1;
        });
    }

    SyncReport sync(Path to, boolean delete) throws IOException {
        return new SyncClient(http).sync(SyncClient.Options.of(master(), null, to, delete));
    }

    SyncReport sync(SyncClient.Options o) throws IOException {
        return new SyncClient(http).sync(o);
    }

    /** path → "sha256 mode mtime" of every regular file under {@code dir}. */
    static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(x -> Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS)).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        sha.update(buf, 0, n);
                    }
                }
                out.put(dir.relativize(p).toString(), Hex.encode(sha.digest()) + " "
                        + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                        + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }

    @Override
    public void close() {
        http.close();
        cluster.close();
    }
}
