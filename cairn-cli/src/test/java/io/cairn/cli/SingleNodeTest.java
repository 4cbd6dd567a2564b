package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A one-node cluster cannot acknowledge a write: put fails with 503's message and exit 1. */
class SingleNodeTest {
    @TempDir
    Path dir;

    @Test
    void aWriteIsRefusedWhenOnlyOneNodeIsAlive() throws IOException {
        String key = ClusterKeys.readOrCreate(dir.resolve("cluster.key"));
        try (LocalCluster cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("nodes"), 1, key)) {
            Path file = Files.writeString(dir.resolve("f"), "one copy is not enough");
            Cli r = Cli.run("put", file.toString(), "--node", cluster.node(0).url().toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).startsWith("cairn: too few healthy storage nodes");
        }
    }

    @Test
    void theDemoPasses() {
        Cli r = Cli.run("demo", "--size", "1MiB", "--seed", "7");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("stopping node", "read it back", "demo passed");
    }
}
