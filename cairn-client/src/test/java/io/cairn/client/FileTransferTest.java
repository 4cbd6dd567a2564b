package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** put and get end to end against an in-memory cluster behind the Transport seam. */
class FileTransferTest {
    @TempDir
    Path dir;

    static CairnClient client(FakeCluster cluster) {
        return CairnClient.builder().node(cluster.first()).transport(cluster).chunkSize(1024)
                .maxChunksInFlight(4).build();
    }

    static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aFileRoundTripsAndEveryChunkHasThreeCopiesOnItsReplicas() throws IOException {
        long seed = 1001;
        FakeCluster cluster = new FakeCluster(6, seed);
        byte[] content = data(seed, 50_000);
        Path in = Files.write(dir.resolve("in.bin"), content);
        try (CairnClient client = client(cluster)) {
            AtomicLong seen = new AtomicLong();
            Address address = client.put(in, (done, total) -> seen.accumulateAndGet(done, Math::max));
            assertThat(seen.get()).isEqualTo(content.length);
            assertThat(address).isEqualTo(Chunker.addressOf(Chunker.manifestOf(new ByteArrayInputStream(content), 1024)));

            Manifest manifest = ManifestCodec.decode(client.getBlock(address));
            for (Manifest.Chunk c : manifest.chunks()) {
                List<FakeCluster.FakeNode> expected = client.replicasOf(c.id()).stream().map(cluster::node).toList();
                assertThat(cluster.holders(c.id())).as("seed %d chunk %d", seed, c.order())
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
            Path out = dir.resolve("out.bin");
            var fetched = client.get(address, out);
            assertThat(fetched.isFile()).isTrue();
            assertThat(Files.readAllBytes(out)).as("seed %d", seed).isEqualTo(content);
            assertThat(Files.list(dir)).as("no temp file left").hasSize(2);
        }
    }

    @Test
    void aCorruptCopyIsRefusedAndTheNextReplicaServes() throws IOException {
        long seed = 1002;
        FakeCluster cluster = new FakeCluster(5, seed);
        byte[] content = data(seed, 10_000);
        try (CairnClient client = client(cluster)) {
            Address address = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            Manifest manifest = ManifestCodec.decode(client.getBlock(address));
            Address victim = manifest.chunks().get(3).id();
            // Corrupt the copy the reader asks first.
            FakeCluster.FakeNode first = cluster.node(Replicas.readOrder(victim, cluster.infos(), ReplicationPolicy.DEFAULT).get(0));
            first.corrupt(victim);
            Path out = dir.resolve("out.bin");
            client.get(address, out);
            assertThat(Files.readAllBytes(out)).as("seed %d", seed).isEqualTo(content);
        }
    }

    @Test
    void whenEveryCopyIsCorruptTheDownloadFailsAndWritesNothing() throws IOException {
        long seed = 1003;
        FakeCluster cluster = new FakeCluster(4, seed);
        byte[] content = data(seed, 5_000);
        try (CairnClient client = client(cluster)) {
            Address address = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            Address victim = ManifestCodec.decode(client.getBlock(address)).chunks().get(1).id();
            cluster.holders(victim).forEach(n -> n.corrupt(victim));
            Path out = dir.resolve("out.bin");
            assertThatThrownBy(() -> client.get(address, out)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).as("seed %d", seed).isEqualTo(ErrorCode.HASH_MISMATCH));
            assertThat(Files.list(dir)).as("neither the target nor a temp file").isEmpty();

            assertThatThrownBy(() -> client.get(address, new ByteArrayOutputStream(), ProgressListener.NONE))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
        }
    }

    @Test
    void aDownNodeIsFailedOverOnReadAndHandedOffOnWrite() throws IOException {
        long seed = 1004;
        FakeCluster cluster = new FakeCluster(5, seed);
        byte[] content = data(seed, 20_000);
        try (CairnClient client = client(cluster)) {
            // The client's node list still says alive, but one node no longer answers.
            client.nodes();
            cluster.nodes.get(2).down = true;
            Address address = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            Manifest manifest = ManifestCodec.decode(client.getBlock(address));
            for (Manifest.Chunk c : manifest.chunks()) {
                assertThat(cluster.holders(c.id())).as("seed %d chunk %d", seed, c.order()).hasSize(3);
            }
            cluster.nodes.get(2).down = false;
            cluster.nodes.get(3).down = true;
            cluster.nodes.get(4).down = true;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            client.get(address, out, ProgressListener.NONE);
            assertThat(out.toByteArray()).as("seed %d", seed).isEqualTo(content);
        }
    }

    @Test
    void oneAliveNodeRefusesWritesWithUnavailable() {
        FakeCluster cluster = new FakeCluster(3, 1005);
        cluster.nodes.get(1).status = io.cairn.core.NodeStatus.DEAD;
        cluster.nodes.get(2).status = io.cairn.core.NodeStatus.DEAD;
        try (CairnClient client = client(cluster)) {
            assertThatThrownBy(() -> client.put(new ByteArrayInputStream(new byte[10]), 10, ProgressListener.NONE))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThat(cluster.nodes.get(0).puts.get()).isZero();
        }
    }

    @Test
    void aManifestWhoseWholeFileHashIsWrongWritesNothing() throws IOException {
        FakeCluster cluster = new FakeCluster(3, 1007);
        byte[] content = data(1007, 300_000);
        try (CairnClient client = client(cluster)) {
            Address genuine = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            io.cairn.core.Manifest m = client.stat(genuine).manifest();
            // Every chunk is genuine and verifies; only the whole-file hash is a lie.
            io.cairn.core.Manifest lying = new io.cairn.core.Manifest(m.size(), "00".repeat(32), m.chunkSize(), m.chunks());
            Address forged = client.putBlock(io.cairn.core.ManifestCodec.encode(lying));
            Path target = dir.resolve("forged");
            assertThatThrownBy(() -> client.get(forged, target)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
            assertThat(target).doesNotExist();
            try (var left = java.nio.file.Files.list(dir)) {
                assertThat(left).noneMatch(p -> p.getFileName().toString().startsWith(".forged"));
            }
        }
    }

    @Test
    void aManifestServedWithWrongBytesIsRefused() {
        FakeCluster cluster = new FakeCluster(3, 1006);
        byte[] content = data(1006, 3000);
        try (CairnClient client = client(cluster)) {
            Address address = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            cluster.holders(address).forEach(n -> n.corrupt(address));
            assertThatThrownBy(() -> client.get(address, dir.resolve("x"))).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPlainBlockIsFetchedAsItselfAndAnUnknownAddressIsNotFound() {
        FakeCluster cluster = new FakeCluster(3, 1007);
        try (CairnClient client = client(cluster)) {
            byte[] block = "just a block, not a manifest".getBytes();
            Address address = client.putBlock(block);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            var fetched = client.get(address, out, ProgressListener.NONE);
            assertThat(fetched.isFile()).isFalse();
            assertThat(out.toByteArray()).isEqualTo(block);
            assertThatThrownBy(() -> client.get(Address.of(new byte[] {42}), dir.resolve("y")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theEmptyFileRoundTrips() throws IOException {
        FakeCluster cluster = new FakeCluster(3, 1008);
        try (CairnClient client = client(cluster)) {
            Address address = client.put(Files.write(dir.resolve("empty"), new byte[0]));
            assertThat(address.hex()).isNotEqualTo(ChunkerTest.EMPTY_FILE_ADDRESS); // chunk size 1024 here
            Path out = dir.resolve("empty.out");
            client.get(address, out);
            assertThat(Files.size(out)).isZero();
        }
    }

    @Test
    void repeatedChunksAreSentOnce() throws IOException {
        FakeCluster cluster = new FakeCluster(3, 1009);
        byte[] zeros = new byte[10 * 1024];
        try (CairnClient client = client(cluster)) {
            Address address = client.put(new ByteArrayInputStream(zeros), zeros.length, ProgressListener.NONE);
            int puts = cluster.nodes.stream().mapToInt(n -> n.puts.get()).sum();
            assertThat(puts).as("one chunk and one manifest, three copies each").isEqualTo(6);
            Path out = dir.resolve("zeros");
            client.get(address, out);
            assertThat(Files.readAllBytes(out)).isEqualTo(zeros);
        }
    }
}
