package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Lease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash leaves behind, simulated on a copy of a live store's directory (a kill -9 leaves
 * exactly the files as the page cache has them; power loss may in addition tear what was not
 * fsync'd, which the truncations and garbage below stand for). KillNineTest does the real thing.
 */
class CrashRecoveryTest {
    private static final long SEED = 99;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir Path live;
    @TempDir Path crashed;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);

    /** Copies the directory of an open store: the state a crash at this moment leaves. */
    private void crashCopy() {
        try (Stream<Path> files = Files.walk(live)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = crashed.resolve(live.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Blocks> putMany(BlockStore store, int n, int maxSize) {
        List<Blocks> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Blocks b = Blocks.random(random, 1 + random.nextInt(maxSize));
            store.put(b.address, b.buffer(), Lease.until(T0.plus(Duration.ofDays(1 + i))));
            out.add(b);
        }
        return out;
    }

    private static void assertServed(BlockStore store, List<Blocks> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            Blocks b = blocks.get(i);
            assertThat(b.readFrom(store)).as("seed %d block %d", SEED, i).isEqualTo(b.bytes);
            assertThat(store.lease(b.address)).as("seed %d block %d", SEED, i).contains(Lease.until(T0.plus(Duration.ofDays(1 + i))));
        }
    }

    @Test
    void aCrashWithoutCloseLosesNothingAcknowledged() {
        List<Blocks> acked;
        try (var store = TestStores.open(live, clock)) {
            acked = putMany(store, 200, 3000); // spans several sealed segments and a tail
            store.delete(acked.get(5).address);
            crashCopy();
        }
        try (var store = TestStores.open(crashed, clock)) {
            assertThat(store.contains(acked.get(5).address)).isFalse();
            List<Blocks> kept = new ArrayList<>(acked);
            kept.set(5, kept.get(4));
            assertThat(store.blockCount()).isEqualTo(199);
            for (int i = 0; i < acked.size(); i++) {
                if (i != 5) {
                    assertThat(acked.get(i).readFrom(store)).as("seed %d block %d", SEED, i).isEqualTo(acked.get(i).bytes);
                }
            }
        }
    }

    private void tornTailThenReopen(java.util.function.Consumer<Path> tear) throws IOException {
        List<Blocks> acked;
        Blocks torn = Blocks.random(random, 2000);
        try (var store = TestStores.open(live, clock)) {
            acked = putMany(store, 30, 1500);
            crashCopy();
        }
        Path tail = TestStores.lastSegment(crashed);
        // the records' end, not the file's: with direct I/O the file ends in a block's zero padding
        long before = SegmentScanner.scan(tail, (h, offset) -> { }).validEnd();
        tear.accept(tail);
        try (var store = TestStores.open(crashed, clock)) {
            assertServed(store, acked);
            assertThat(store.contains(torn.address)).isFalse();
            assertThat(store.blockCount()).isEqualTo(acked.size());
            // the log continues cleanly after the cut
            Blocks after = Blocks.random(random, 500);
            store.put(after.address, after.buffer(), Lease.NEVER);
            acked.add(after);
        }
        assertThat(Files.size(tail)).isGreaterThanOrEqualTo(before);
        try (var store = TestStores.open(crashed, clock)) {
            assertThat(store.blockCount()).isEqualTo(acked.size());
            assertThat(acked.getLast().readFrom(store)).isEqualTo(acked.getLast().bytes);
        }
    }

    /** The first {@code keep} bytes of a record for {@code torn}, as a write cut short by the crash. */
    private static byte[] partialRecord(Blocks torn, int keep) {
        java.nio.ByteBuffer rec = java.nio.ByteBuffer.allocate(SegmentRecord.HEADER_BYTES + torn.bytes.length);
        SegmentRecord.writeHeader(rec, SegmentRecord.BLOCK, torn.address, 1_000_000, Long.MAX_VALUE, torn.bytes.length,
                SegmentRecord.contentCrc(torn.buffer()));
        rec.put(torn.bytes);
        return java.util.Arrays.copyOf(rec.array(), keep);
    }

    private static void append(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRecordTornInItsContentIsInvisible() throws IOException {
        Blocks torn = Blocks.random(new Random(SEED + 1), 2000);
        tornTailThenReopen(tail -> append(tail, partialRecord(torn, 1000)));
    }

    @Test
    void aRecordTornInItsHeaderIsInvisible() throws IOException {
        Blocks torn = Blocks.random(new Random(SEED + 2), 2000);
        tornTailThenReopen(tail -> append(tail, partialRecord(torn, 30)));
    }

    @Test
    void garbageAfterTheLastRecordIsCutOff() throws IOException {
        tornTailThenReopen(tail -> {
            byte[] junk = new byte[777];
            new Random(SEED).nextBytes(junk);
            append(tail, junk);
        });
    }

    @Test
    void zeroesAfterTheLastRecordAreCutOff() throws IOException {
        tornTailThenReopen(tail -> append(tail, new byte[4096])); // what a file extended but never written looks like
    }

    @Test
    void aRecordWithAllBytesButAWrongContentIsInvisible() throws IOException {
        Blocks torn = Blocks.random(new Random(SEED + 3), 2000);
        tornTailThenReopen(tail -> {
            byte[] rec = partialRecord(torn, SegmentRecord.HEADER_BYTES + 2000);
            rec[rec.length - 1] ^= 1; // written out of order: the last sector never made it
            append(tail, rec);
        });
    }

    @Test
    void aLeftoverHintInProgressIsIgnored() throws IOException {
        tornTailThenReopen(tail -> append(tail, new byte[0]));
        try (Stream<Path> files = Files.list(TestStores.segmentsDir(crashed))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp") && !n.startsWith(
                    TestStores.lastSegment(crashed).getFileName().toString().substring(0, 8)));
        }
    }

    @Test
    void rotInTheMiddleOfTheTailSkipsOneRecordAndKeepsTheRest() {
        List<Blocks> acked;
        try (var store = TestStores.open(live, clock, 0, 1 << 20)) { // one segment, unsealed
            acked = putMany(store, 20, 1000);
            crashCopy();
        }
        Path tail = TestStores.lastSegment(crashed);
        TestStores.flipBit(tail, 10); // inside the first record's address
        try (var store = TestStores.open(crashed, clock, 0, 1 << 20)) {
            assertThat(store.contains(acked.get(0).address)).isFalse();
            for (int i = 1; i < acked.size(); i++) {
                assertThat(acked.get(i).readFrom(store)).as("seed %d block %d", SEED, i).isEqualTo(acked.get(i).bytes);
            }
        }
    }

    @Test
    void restartRecoversLeasesDeletesAndRenewals() {
        List<Blocks> acked;
        try (var store = TestStores.open(live, clock)) {
            acked = putMany(store, 50, 2000);
            store.renew(acked.get(0).address, Lease.NEVER);
            store.renew(acked.get(1).address, Lease.until(T0.plus(Duration.ofDays(400))));
            store.delete(acked.get(2).address);
            store.sync(); // renewals are durable from here on
            crashCopy();
        }
        try (var store = TestStores.open(crashed, clock)) {
            assertThat(store.lease(acked.get(0).address)).contains(Lease.NEVER);
            assertThat(store.lease(acked.get(1).address)).contains(Lease.until(T0.plus(Duration.ofDays(400))));
            assertThat(store.contains(acked.get(2).address)).isFalse();
            assertThat(store.blockCount()).isEqualTo(49);
            long used = acked.stream().mapToLong(b -> b.bytes.length).sum() - acked.get(2).bytes.length;
            assertThat(store.space().usedBytes()).isEqualTo(used);
        }
    }
}
