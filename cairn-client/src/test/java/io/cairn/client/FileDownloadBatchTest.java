package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * get, end to end against an in-memory cluster that answers the read batch: the chunks of a file
 * come in batches, slice by slice, for any window; whatever a batch does not deliver comes by
 * single reads; the file is whole and its SHA-256 checked either way.
 */
class FileDownloadBatchTest {
    private static final long SEED = 0xd0b1a7cL;
    private static final int CHUNK = 1024;

    @TempDir
    Path dir;

    private static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static CairnClient client(ReadBatchCluster cluster, int maxChunksInFlight) {
        return CairnClient.builder().node(cluster.cluster.first()).transport(cluster).chunkSize(CHUNK)
                .maxChunksInFlight(maxChunksInFlight).build();
    }

    private static Address put(CairnClient client, byte[] content) throws IOException {
        return client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
    }

    /** Downloads to a path and to a stream and checks both, byte for byte. */
    private void assertDownloads(CairnClient client, Address address, byte[] content, String as) throws IOException {
        Path out = dir.resolve("out-" + as);
        FileDownloader.Fetched fetched = client.get(address, out);
        assertThat(fetched.isFile()).isTrue();
        assertThat(out).as("seed %d, %s, to a path", SEED, as).hasBinaryContent(content);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        client.get(address, stream, ProgressListener.NONE);
        assertThat(stream.toByteArray()).as("seed %d, %s, to a stream", SEED, as).isEqualTo(content);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temp file left").noneMatch(p -> p.getFileName().toString().endsWith(".part"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 7, 16, 64, 255, 256, 300})
    void aFileComesInBatchesForAnyWindow(int maxChunksInFlight) throws IOException {
        FakeCluster fake = new FakeCluster(5, SEED + maxChunksInFlight);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        // 300 chunks and a partial last one: more than one slice for every window
        byte[] content = data(SEED + maxChunksInFlight, 300 * CHUNK + 123);
        try (CairnClient client = client(cluster, maxChunksInFlight)) {
            Address address = put(client, content);
            int getsBefore = cluster.gets();
            assertDownloads(client, address, content, "window " + maxChunksInFlight);
            assertThat(cluster.batches()).as("seed %d: batches were used", SEED).isPositive();
            assertThat(cluster.gets() - getsBefore).as("seed %d: only the manifest is read alone, once per get", SEED)
                    .isEqualTo(2);
            // each batch holds at most one slice: half the window, at most 128, at most 64 blocks
            int slice = Math.max(1, Math.min(FileDownloader.MAX_SLICE, maxChunksInFlight / 2));
            for (FakeCluster.FakeNode n : fake.nodes) {
                for (var asked : cluster.state(n).asked) {
                    assertThat(asked.size()).as("seed %d", SEED).isLessThanOrEqualTo(Math.min(slice, ChunkReads.DEFAULT_MAX_BLOCKS));
                }
            }
        }
    }

    @Test
    void repliesOnOtherThreadsWithManyChunksInFlight() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            ReadBatchCluster cluster = new ReadBatchCluster(new FakeCluster(6, SEED), pool);
            byte[] content = data(SEED, 700 * CHUNK + 1);
            try (CairnClient client = client(cluster, 256)) {
                assertDownloads(client, put(client, content), content, "async");
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aNodeWithoutTheBatchIsAskedOnceAndItsChunksComeAlone() throws IOException {
        FakeCluster fake = new FakeCluster(5, SEED);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        byte[] content = data(SEED, 200 * CHUNK);
        try (CairnClient client = client(cluster, 32)) {
            Address address = put(client, content);
            FakeCluster.FakeNode old = fake.nodes.get(1);
            cluster.state(old).mode = ReadBatchCluster.Mode.STATUS;
            cluster.state(old).status = 405;
            assertDownloads(client, address, content, "old node");
            assertThat(cluster.state(old).batches.get()).as("seed %d: remembered for the rest of the client's life", SEED)
                    .isEqualTo(1);
            assertThat(old.gets.get()).as("seed %d: its chunks read singly", SEED).isPositive();
        }
    }

    @Test
    void aNodeLackingItsCopiesOrServingCorruptOnesStillGivesTheWholeFile() throws IOException {
        FakeCluster fake = new FakeCluster(5, SEED);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        byte[] content = data(SEED, 150 * CHUNK + 7);
        try (CairnClient client = client(cluster, 64)) {
            Address address = put(client, content);
            Manifest manifest = client.stat(address).manifest();
            // node 0 lost every chunk; node 1 serves corrupt copies of its chunks
            for (Manifest.Chunk c : manifest.chunks()) {
                fake.nodes.get(0).blocks.remove(c.id());
                if (fake.nodes.get(1).blocks.containsKey(c.id())) {
                    fake.nodes.get(1).corrupt(c.id());
                }
            }
            int getsBefore = cluster.gets();
            assertDownloads(client, address, content, "lacking");
            assertThat(cluster.gets() - getsBefore).as("seed %d: fell back to single reads", SEED).isGreaterThan(2);
        }
    }

    @Test
    void aNodeThatStopsHalfWayThroughTheDownloadIsFailedOver() throws IOException {
        FakeCluster fake = new FakeCluster(5, SEED);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        byte[] content = data(SEED, 400 * CHUNK + 99);
        try (CairnClient client = client(cluster, 16)) {
            Address address = put(client, content);
            FakeCluster.FakeNode victim = fake.nodes.get(2);
            AtomicBoolean stopped = new AtomicBoolean();
            ProgressListener stopHalfWay = (done, total) -> {
                if (done > total / 2 && stopped.compareAndSet(false, true)) {
                    victim.down = true;
                }
            };
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            client.get(address, stream, stopHalfWay);
            assertThat(stopped).isTrue();
            assertThat(stream.toByteArray()).as("seed %d, to a stream", SEED).isEqualTo(content);

            victim.down = false;
            stopped.set(false);
            Path out = dir.resolve("half");
            client.get(address, out, stopHalfWay);
            assertThat(stopped).isTrue();
            assertThat(out).as("seed %d, to a path", SEED).hasBinaryContent(content);
        }
    }

    @Test
    void aChunkMissingEverywhereFailsTheDownloadWithNotFoundAndLeavesNothing() throws IOException {
        FakeCluster fake = new FakeCluster(4, SEED);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        byte[] content = data(SEED, 90 * CHUNK);
        try (CairnClient client = client(cluster, 32)) {
            Address address = put(client, content);
            Address gone = client.stat(address).manifest().chunks().get(47).id();
            fake.holders(gone).forEach(n -> n.blocks.remove(gone));
            Path out = dir.resolve("gone");
            assertThatThrownBy(() -> client.get(address, out)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).as("seed %d", SEED).isEqualTo(ErrorCode.NOT_FOUND));
            try (var files = Files.list(dir)) {
                assertThat(files).as("neither the target nor a temp file").isEmpty();
            }
            assertThatThrownBy(() -> client.get(address, new ByteArrayOutputStream(), ProgressListener.NONE))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void whenEveryCopyOfAChunkIsCorruptTheDownloadFailsWithHashMismatch() throws IOException {
        FakeCluster fake = new FakeCluster(4, SEED);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        byte[] content = data(SEED, 40 * CHUNK);
        try (CairnClient client = client(cluster, 8)) {
            Address address = put(client, content);
            Address victim = client.stat(address).manifest().chunks().get(5).id();
            fake.holders(victim).forEach(n -> n.corrupt(victim));
            assertThatThrownBy(() -> client.get(address, dir.resolve("bad"))).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
            assertThat(dir.resolve("bad")).doesNotExist();
        }
    }

    @Test
    void repeatedChunksAndTheEmptyFileDownload() throws IOException {
        FakeCluster fake = new FakeCluster(3, SEED);
        ReadBatchCluster cluster = new ReadBatchCluster(fake);
        try (CairnClient client = client(cluster, 16)) {
            byte[] zeros = new byte[50 * CHUNK + 10];
            assertDownloads(client, put(client, zeros), zeros, "zeros");
            byte[] empty = new byte[0];
            assertDownloads(client, put(client, empty), empty, "empty");
        }
    }
}
