package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.JettyTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Three real nodes in this JVM on free ports, their key in {@code dir/cluster.key}, started and
 * awaited until every node sees the other two: the fixture the CLI suites share.
 */
record ThreeNodes(LocalCluster cluster, Path keyFile) implements AutoCloseable {
    static ThreeNodes start(Path dir) throws IOException {
        Path keyFile = dir.resolve("cluster.key");
        String key = ClusterKeys.readOrCreate(keyFile);
        LocalCluster cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("nodes"), 3, key);
        try (JettyTransport t = new JettyTransport(key)) {
            assertThat(cluster.awaitAlive(t, 3, Duration.ofSeconds(20))).as("membership converged").isTrue();
        }
        return new ThreeNodes(cluster, keyFile);
    }

    String url(int i) {
        return cluster.node(i).url().toString();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
