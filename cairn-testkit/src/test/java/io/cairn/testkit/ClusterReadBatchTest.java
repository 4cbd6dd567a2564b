package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.client.CairnClient;
import io.cairn.client.ProgressListener;
import io.cairn.core.Address;
import io.cairn.core.Manifest;
import io.cairn.core.NodeInfo;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads read a file's chunks with read batches ({@code POST /blocks/read}) against real
 * in-process nodes on loopback: the file is whole and its SHA-256 right, to a path and to a
 * stream, also when a node stops half way through or has lost its copies.
 */
class ClusterReadBatchTest {
    private static final Duration MEMBERSHIP_BOUND = Duration.ofSeconds(20);
    private static final int CHUNK = 16 * 1024;
    private static final String BATCHES = "cairn_http_requests_seconds_count{method=\"POST\",route=\"/blocks/read\",status=\"200\"}";

    @TempDir
    Path tmp;

    private static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static void awaitAlive(TestCluster cluster, int node, int expectedAlive) {
        try (CairnClient client = CairnClient.connect(cluster.url(node), cluster.clusterKey())) {
            await("node " + node + " sees " + expectedAlive + " alive").atMost(MEMBERSHIP_BOUND)
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> client.view().refresh().stream().filter(NodeInfo::alive).count() == expectedAlive);
        }
    }

    private static CairnClient client(TestCluster cluster, int node) {
        return CairnClient.builder().node(cluster.url(node)).clusterKey(cluster.clusterKey()).chunkSize(CHUNK).build();
    }

    /** Successful read batches node i has answered, from its metrics. */
    private static long batchesAnswered(TestCluster cluster, int i) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.url(i) + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body().lines().filter(l -> l.startsWith(BATCHES + " ")).findFirst()
                    .map(l -> (long) Double.parseDouble(l.substring(BATCHES.length() + 1).strip())).orElse(0L);
        }
    }

    private static long batchesAnswered(TestCluster cluster) throws Exception {
        long sum = 0;
        for (int i : cluster.runningNodes()) {
            sum += batchesAnswered(cluster, i);
        }
        return sum;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aMultiChunkFileDownloadsWithReadBatchesToAPathAndToAStream() throws Exception {
        long seed = 2027_01_07L;
        try (TestCluster cluster = TestCluster.start(4, tmp.resolve("cluster"))) {
            awaitAlive(cluster, 0, 4);
            awaitAlive(cluster, 3, 4);
            byte[] content = data(seed, 300 * CHUNK + 4321);
            Address address;
            try (CairnClient client = client(cluster, 0)) {
                address = client.put(Files.write(tmp.resolve("in.bin"), content));
            }
            long before = batchesAnswered(cluster);
            try (CairnClient client = client(cluster, 3)) {
                Manifest manifest = client.stat(address).manifest();
                assertThat(manifest.chunks()).hasSize(301);
                assertThat(manifest.sha256()).isEqualTo(sha256(content));

                Path out = tmp.resolve("out.bin");
                client.get(address, out);
                byte[] got = Files.readAllBytes(out);
                assertThat(got).as("seed %d, to a path", seed).isEqualTo(content);
                assertThat(sha256(got)).isEqualTo(manifest.sha256());

                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                client.get(address, stream, ProgressListener.NONE);
                assertThat(stream.toByteArray()).as("seed %d, to a stream", seed).isEqualTo(content);
                assertThat(sha256(stream.toByteArray())).isEqualTo(manifest.sha256());
            }
            // a node counts a request once its answer is complete, which may be just after the client has it
            await("the read batches are counted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> batchesAnswered(cluster) - before > 0);
            assertThat(batchesAnswered(cluster) - before).as("seed %d: far fewer requests than chunks (two downloads of 301)", seed)
                    .isLessThan(301);
        }
    }

    @Test
    void aNodeStoppedHalfWayThroughADownloadIsFailedOver() throws Exception {
        long seed = 2027_01_08L;
        try (TestCluster cluster = TestCluster.start(5, tmp.resolve("cluster"))) {
            awaitAlive(cluster, 0, 5);
            byte[] content = data(seed, 400 * CHUNK + 17);
            Address address;
            try (CairnClient client = client(cluster, 0)) {
                address = client.put(Files.write(tmp.resolve("in.bin"), content));
            }
            // small windows, so that much of the file is still to be read when the node stops
            try (CairnClient client = CairnClient.builder().node(cluster.url(0)).clusterKey(cluster.clusterKey())
                    .chunkSize(CHUNK).maxChunksInFlight(16).build()) {
                AtomicBoolean stopped = new AtomicBoolean();
                ProgressListener stopNode2 = (done, total) -> {
                    if (done > total / 2 && stopped.compareAndSet(false, true)) {
                        cluster.stop(2);
                    }
                };
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                client.get(address, stream, stopNode2);
                assertThat(stopped).isTrue();
                assertThat(stream.toByteArray()).as("seed %d, to a stream", seed).isEqualTo(content);

                // again to a path, with another node stopping half way (node 2 still down)
                AtomicBoolean stopped3 = new AtomicBoolean();
                Path out = tmp.resolve("out.bin");
                client.get(address, out, (done, total) -> {
                    if (done > total / 2 && stopped3.compareAndSet(false, true)) {
                        cluster.stop(3);
                    }
                });
                assertThat(stopped3).isTrue();
                byte[] got = Files.readAllBytes(out);
                assertThat(got).as("seed %d, to a path", seed).isEqualTo(content);
                assertThat(sha256(got)).isEqualTo(client.stat(address).manifest().sha256());
            }
        }
    }

    @Test
    void nodesThatLostTheirCopiesDoNotSpoilTheDownload() throws Exception {
        long seed = 2027_01_09L;
        try (TestCluster cluster = TestCluster.start(4, tmp.resolve("cluster"))) {
            awaitAlive(cluster, 0, 4);
            byte[] content = data(seed, 200 * CHUNK + 5);
            Address address;
            Manifest manifest;
            try (CairnClient client = client(cluster, 0)) {
                address = client.put(Files.write(tmp.resolve("in.bin"), content));
                manifest = client.stat(address).manifest();
            }
            // nodes 1 and 2 lose every chunk they held (the manifest stays where it is); with three
            // copies on four nodes, every chunk keeps one on node 0 or 3, and about half the
            // chunks are asked first of a node that now answers ABSENT
            for (int i : new int[] {1, 2}) {
                int lost = 0;
                for (Manifest.Chunk c : manifest.chunks()) {
                    if (cluster.node(i).store().delete(c.id())) {
                        lost++;
                    }
                }
                assertThat(lost).as("seed %d: node %d held some chunks", seed, i).isPositive();
            }
            try (CairnClient client = client(cluster, 0)) {
                Path out = tmp.resolve("out.bin");
                client.get(address, out);
                assertThat(out).as("seed %d, to a path", seed).hasBinaryContent(content);
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                client.get(address, stream, ProgressListener.NONE);
                assertThat(stream.toByteArray()).as("seed %d, to a stream", seed).isEqualTo(content);
                assertThat(sha256(stream.toByteArray())).isEqualTo(manifest.sha256());
            }
        }
    }
}
