package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Json;
import io.cairn.core.apidrive.SeedManifest;
import io.cairn.core.apidrive.SeedManifestCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Issue #5 on the command line: seed manifests out of put and into get, and {@code cairn space}. */
class DriveCliTest extends ThreeNodeSuite {
    static final long SEED = 5_2026L;

    @Test
    void putWritesASeedManifestAndGetDownloadsFromItAlone() throws IOException {
        byte[] content = new byte[700_000];
        new SplittableRandom(SEED).nextBytes(content);
        Path file = Files.write(dir.resolve("video.bin"), content);
        Path manifestFile = dir.resolve("video.json");
        Cli put = Cli.run("put", file.toString(), "--node", node, "--cluster-key-file", keyFile.toString(),
                "--apidrive-manifest", manifestFile.toString(), "--lease-days", "7");
        assertThat(put.exit()).as(put.toString()).isZero();
        SeedManifest manifest = SeedManifestCodec.decode(Files.readAllBytes(manifestFile));
        assertThat(manifest.fileName()).isEqualTo("video.bin");
        assertThat(manifest.chunks()).hasSize(11); // 700,000 / 65,536 rounded up
        JsonNode first = Json.MAPPER.readTree(Files.readAllBytes(manifestFile)).path("video.bin").get(0);
        assertThat(first.path("Order").intValue()).isZero();
        assertThat(first.path("URL1").stringValue()).startsWith("http://127.0.0.1:").endsWith("/api/drive/retrieve");

        Path out = dir.resolve("copy.bin");
        Cli get = Cli.run("get", "--apidrive-manifest", manifestFile.toString(), "-o", out.toString());
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(Files.readAllBytes(out)).as("seed %d", SEED).isEqualTo(content);

        // all URLs stale: without --node it fails on one line; with --node the cluster serves
        List<SeedManifest.Chunk> stale = manifest.chunks().stream().map(c -> new SeedManifest.Chunk(c.id(), c.order(),
                List.of(URI.create("http://127.0.0.1:9/api/drive/retrieve")))).toList();
        Path staleFile = Files.write(dir.resolve("stale.json"),
                SeedManifestCodec.encode(new SeedManifest("video.bin", stale)));
        Cli failed = Cli.run("get", "--apidrive-manifest", staleFile.toString(), "-o", dir.resolve("x.bin").toString());
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.stderr()).startsWith("cairn: ").contains("Order 0");
        assertThat(Files.exists(dir.resolve("x.bin"))).isFalse();
        Cli fallback = Cli.run("get", "--apidrive-manifest", staleFile.toString(), "-o", "-", "--node", node);
        assertThat(fallback.exit()).as(fallback.toString()).isZero();
        assertThat(fallback.stdoutBytes()).isEqualTo(content);

        Cli both = Cli.run("get", "ab".repeat(32), "--apidrive-manifest", staleFile.toString());
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void spaceSumsTheCluster() {
        Cli json = Cli.run("space", "--node", node, "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        JsonNode root = Json.MAPPER.readTree(json.stdout());
        assertThat(root.path("nodes").size()).isEqualTo(3);
        for (String field : SpaceCommand.FIELDS) {
            long sum = 0;
            for (JsonNode n : root.path("nodes")) {
                sum += n.path(field).longValue();
            }
            assertThat(root.path("total").path(field).longValue()).as(field).isEqualTo(sum);
        }
        assertThat(root.path("total").path("slots").longValue()).isPositive();
        Cli table = Cli.run("space", "--node", node);
        assertThat(table.exit()).isZero();
        assertThat(table.stdout()).contains("CAPACITY", "SLOTS", "total (3 nodes)");
    }
}
