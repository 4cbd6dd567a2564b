package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.JettyTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture the CLI suites share: three real nodes in this JVM on free ports, their key in
 * {@code dir/cluster.key}, started once per test class and awaited until every node sees the other
 * two. Suites run one class at a time, so the static state belongs to the class running now.
 */
abstract class ThreeNodeSuite {
    @TempDir
    static Path dir;

    static LocalCluster cluster;
    static Path keyFile;
    /** Node 0's URL, the one the suites talk to. */
    static String node;

    @BeforeAll
    static void startThreeNodes() throws IOException {
        keyFile = dir.resolve("cluster.key");
        String key = ClusterKeys.readOrCreate(keyFile);
        cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("nodes"), 3, key);
        try (JettyTransport t = new JettyTransport(key)) {
            assertThat(cluster.awaitAlive(t, 3, Duration.ofSeconds(20))).as("membership converged").isTrue();
        }
        node = cluster.node(0).url().toString();
    }

    @AfterAll
    static void stopThreeNodes() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
