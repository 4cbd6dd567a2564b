package io.cairn.testkit.apidrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.client.CairnClient;
import io.cairn.client.JettyTransport;
import io.cairn.client.ProgressListener;
import io.cairn.client.apidrive.SeedDownloader;
import io.cairn.client.apidrive.SeedManifests;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.apidrive.SeedManifest;
import io.cairn.core.apidrive.SeedManifestCodec;
import io.cairn.testkit.FreePorts;
import io.cairn.testkit.TestCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5 portable manifests: a file put through the cluster, its seed manifest written, and
 * the file downloaded from the manifest's URLs alone, in parallel and verified; with one dead URL
 * per chunk; with every URL stale and the cluster as fallback; and without one (it fails).
 */
class SeedDownloadClusterTest {
    private static final long SEED = 5_1121L;
    private static final int CHUNK = 4096;
    private static final int CHUNKS = 100;

    @TempDir
    Path tmp;

    @Test
    void downloadsA100ChunkManifestWithOneDeadUrlPerChunkAndFallsBackWhenAllAreStale() throws Exception {
        byte[] content = new byte[CHUNK * (CHUNKS - 1) + 1234];
        new SplittableRandom(SEED).nextBytes(content);
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"));
             CairnClient client = CairnClient.builder().node(cluster.url(1)).clusterKey(cluster.clusterKey())
                     .chunkSize(CHUNK).build();
             JettyTransport transport = JettyTransport.builder().maxInFlightPerNode(16).build()) {
            DriveCalls.awaitAlive(cluster, 3);
            Address file = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            SeedManifest manifest = SeedManifests.of(client, file, "content.bin");
            assertThat(manifest.chunks()).hasSize(CHUNKS);
            assertThat(manifest.chunks()).allSatisfy(c -> assertThat(c.urls()).hasSize(3));
            // round trip through the bytes, as the CLI does
            manifest = SeedManifestCodec.decode(SeedManifestCodec.encode(manifest));

            URI dead = URI.create("http://127.0.0.1:" + FreePorts.consecutive(1, SEED) + "/api/drive/retrieve");
            SplittableRandom pick = new SplittableRandom(SEED);
            List<SeedManifest.Chunk> oneDead = new ArrayList<>();
            for (SeedManifest.Chunk c : manifest.chunks()) {
                List<URI> urls = new ArrayList<>(c.urls());
                urls.set(pick.nextInt(urls.size()), dead);
                oneDead.add(new SeedManifest.Chunk(c.id(), c.order(), urls));
            }
            SeedDownloader downloader = new SeedDownloader(transport, 64, Duration.ofSeconds(10), null,
                    new SplittableRandom(SEED));
            Path out = tmp.resolve("copy.bin");
            SeedDownloader.Result result = downloader.download(new SeedManifest("content.bin", oneDead), out,
                    ProgressListener.NONE);
            assertThat(Files.readAllBytes(out)).as("seed %d", SEED).isEqualTo(content);
            assertThat(result.chunks()).isEqualTo(CHUNKS);
            assertThat(result.fromFallback()).isZero();

            // every URL stale: a node of the cluster is the fallback (XOR placement)
            List<SeedManifest.Chunk> stale = manifest.chunks().stream()
                    .map(c -> new SeedManifest.Chunk(c.id(), c.order(), List.of(dead))).toList();
            SeedDownloader withFallback = new SeedDownloader(transport, 64, Duration.ofSeconds(10), client::getBlock,
                    new SplittableRandom(SEED));
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            SeedDownloader.Result fallen = withFallback.download(new SeedManifest("content.bin", stale), copy,
                    ProgressListener.NONE);
            assertThat(copy.toByteArray()).isEqualTo(content);
            assertThat(fallen.fromFallback()).isEqualTo(CHUNKS);

            // without a fallback, the first chunk nobody serves fails the download, and the target is untouched
            Path untouched = Files.writeString(tmp.resolve("untouched"), "old");
            assertThatThrownBy(() -> downloader.download(new SeedManifest("content.bin", stale), untouched,
                    ProgressListener.NONE))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("Order 0");
            assertThat(Files.readString(untouched)).isEqualTo("old");
        }
    }
}
