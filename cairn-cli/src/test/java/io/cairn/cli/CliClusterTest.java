package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.Chunker;
import io.cairn.core.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The client commands against real nodes in this JVM (three, on free ports). */
class CliClusterTest extends ThreeNodeSuite {
    static final long SEED = 20261121;

    @Test
    void putPrintsOnlyTheAddressAndGetReturnsTheBytes() throws IOException {
        byte[] content = new byte[300_000];
        new SplittableRandom(SEED).nextBytes(content);
        Path file = Files.write(dir.resolve("in.bin"), content);

        Cli put = Cli.run("put", file.toString(), "--node", node, "--cluster-key-file", keyFile.toString());
        assertThat(put.exit()).as(put.toString()).isZero();
        String address = put.stdout().strip();
        assertThat(put.stdout()).as("seed %d", SEED).matches("[0-9a-f]{64}\n");
        assertThat(address).isEqualTo(Chunker.addressOf(Chunker.manifestOf(new ByteArrayInputStream(content), 65536)).hex());

        Path out = dir.resolve("out.bin");
        Cli get = Cli.run("get", address, "-o", out.toString(), "--node", node);
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(content);

        Cli toStdout = Cli.run("get", address.toUpperCase(), "--node", node);
        assertThat(toStdout.exit()).as(toStdout.toString()).isZero();
        assertThat(toStdout.stdoutBytes()).isEqualTo(content);
    }

    @Test
    void putReadsStandardInputAndChunkSizeChangesTheAddress() {
        byte[] content = "from a pipe\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Cli a = Cli.runWithInput(content, "put", "-", "--node", node);
        Cli b = Cli.runWithInput(content, "put", "-", "--node", node, "--chunk-size", "4KiB");
        assertThat(a.exit()).as(a.toString()).isZero();
        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(a.stdout()).isNotEqualTo(b.stdout());
        Cli get = Cli.run("get", b.stdout().strip(), "-o", "-", "--node", node);
        assertThat(get.stdoutBytes()).isEqualTo(content);
    }

    @Test
    void anUnknownAddressIsOneLineAndExitOne() {
        Cli r = Cli.run("get", "ab".repeat(32), "-o", dir.resolve("x").toString(), "--node", node);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("cairn: ").contains("not found");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }

    @Test
    void nodesPrintsATableAndJson() {
        Cli table = Cli.run("nodes", "--node", node);
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.stdout()).contains("STATUS", "alive", "3 nodes, 3 alive");
        Cli json = Cli.run("nodes", "--node", node, "--json");
        assertThat(json.exit()).isZero();
        assertThat(Json.MAPPER.readTree(json.stdout()).size()).isEqualTo(3);
    }
}
