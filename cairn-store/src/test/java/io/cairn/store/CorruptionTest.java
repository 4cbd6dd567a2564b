package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Lease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bit rot on disk: never served, quarantined, reported; the scrubber finds what CRCs cannot. */
class CorruptionTest {
    private static final long SEED = 5150;

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final Random random = new Random(SEED);
    private final RecordingListener listener = new RecordingListener();

    private Path segment1() {
        return TestStores.segmentsDir(dir).resolve(Segment.fileName(1));
    }

    private List<Path> quarantined() throws IOException {
        Path q = dir.resolve("quarantine");
        if (!Files.exists(q)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(q)) {
            return files.toList();
        }
    }

    /** Changes the content of the record at {@code offset} and re-seals both CRCs: only SHA-256 can tell. */
    static void forgeContent(Path segment, int offset, int length) throws IOException {
        byte[] all = Files.readAllBytes(segment);
        ByteBuffer b = ByteBuffer.wrap(all);
        all[offset + SegmentRecord.HEADER_BYTES + length / 2] ^= 0x01;
        b.putInt(offset + 60, SegmentRecord.contentCrc(ByteBuffer.wrap(all, offset + SegmentRecord.HEADER_BYTES, length)));
        b.putInt(offset + 64, SegmentRecord.crc(b, offset, 64));
        Files.write(segment, all);
    }

    @Test
    void aRottedBlockIsNotServedButQuarantinedAndReported() throws IOException {
        Blocks victim = Blocks.random(random, 1000);
        Blocks neighbour = Blocks.random(random, 1000);
        try (var store = TestStores.open(dir, clock)) {
            store.addListener(listener);
            store.put(victim.address, victim.buffer(), Lease.NEVER);
            store.put(neighbour.address, neighbour.buffer(), Lease.NEVER);
            TestStores.flipBit(segment1(), SegmentRecord.HEADER_BYTES + 500); // in the victim's content
            byte[] before = Files.readAllBytes(segment1());

            assertThat(store.read(victim.address)).isEmpty();
            assertThat(listener.removed).containsExactly("QUARANTINED " + victim.address);
            assertThat(store.contains(victim.address)).isFalse();
            assertThat(store.space().usedBytes()).isEqualTo(1000);
            assertThat(neighbour.readFrom(store)).isEqualTo(neighbour.bytes);
            assertThat(quarantined()).hasSize(1);
            assertThat(Files.size(quarantined().getFirst())).isEqualTo(SegmentRecord.HEADER_BYTES + 1000);
            byte[] after = Files.readAllBytes(segment1());
            assertThat(java.util.Arrays.copyOf(after, before.length)).as("never overwritten in place").isEqualTo(before);

            // a good copy can be put again (repair) and is served
            assertThat(store.put(victim.address, victim.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.CREATED);
            assertThat(victim.readFrom(store)).isEqualTo(victim.bytes);
        }
        try (var store = TestStores.open(dir, clock)) {
            assertThat(victim.readFrom(store)).as("the repaired copy survives a restart").isEqualTo(victim.bytes);
            assertThat(store.blockCount()).isEqualTo(2);
        }
    }

    @Test
    void aQuarantinedBlockStaysAwayAfterRestart() {
        Blocks victim = Blocks.random(random, 1000);
        try (var store = TestStores.open(dir, clock)) {
            store.put(victim.address, victim.buffer(), Lease.NEVER);
            TestStores.flipBit(segment1(), SegmentRecord.HEADER_BYTES + 5);
            assertThat(store.read(victim.address)).isEmpty();
        }
        try (var store = TestStores.open(dir, clock)) {
            assertThat(store.contains(victim.address)).isFalse();
            assertThat(store.blockCount()).isZero();
        }
    }

    @Test
    void aRottedHeaderIsQuarantinedToo() {
        Blocks victim = Blocks.random(random, 1000);
        try (var store = TestStores.open(dir, clock)) {
            store.addListener(listener);
            store.put(victim.address, victim.buffer(), Lease.NEVER);
            TestStores.flipBit(segment1(), 45); // in the sequence number
            assertThat(store.read(victim.address)).isEmpty();
            assertThat(listener.removed).containsExactly("QUARANTINED " + victim.address);
        }
    }

    @Test
    void theScrubberFindsContentThatPassesItsCrcButNotItsHash() throws IOException {
        List<Blocks> blocks = new ArrayList<>();
        try (var store = TestStores.open(dir, clock, 0, 1 << 20)) {
            store.addListener(listener);
            for (int i = 0; i < 50; i++) {
                Blocks b = Blocks.random(random, 1000);
                store.put(b.address, b.buffer(), Lease.NEVER);
                blocks.add(b);
            }
            int victim = 17;
            forgeContent(segment1(), victim * (SegmentRecord.HEADER_BYTES + 1000), 1000);
            assertThat(store.read(blocks.get(victim).address)).as("the CRC cannot see it").isPresent();

            BlockStore.ScrubReport first = store.scrub(5000);
            assertThat(first.blocksChecked()).isBetween(5L, 6L);
            assertThat(first.wrappedAround()).isFalse();
            long checked = first.blocksChecked();
            long corrupt = first.corruptFound();
            for (int call = 0; call < 100; call++) { // bounded: 50 blocks at 5 per call
                BlockStore.ScrubReport r = store.scrub(5000);
                checked += r.blocksChecked();
                corrupt += r.corruptFound();
                if (r.wrappedAround()) {
                    break;
                }
            }
            assertThat(checked).as("one round checks every block once").isEqualTo(50);
            assertThat(corrupt).isEqualTo(1);
            assertThat(listener.removed).containsExactly("QUARANTINED " + blocks.get(victim).address);
            assertThat(store.read(blocks.get(victim).address)).isEmpty();
            assertThat(store.scrub(Long.MAX_VALUE)).isEqualTo(new BlockStore.ScrubReport(49, 49_000, 0, true));
        }
    }

    @Test
    void theScrubbersReusedBufferJudgesEachRecordAloneWhateverItsSize() throws IOException {
        // small after large (stale bytes past the limit), one past the reused size, one forged
        int[] sizes = {70_000, 900, 300_000, 3_000, Scrubber.REUSED_RECORD_BYTES + 10_000, 64 * 1024, 3_000};
        int victim = 3;
        List<Blocks> blocks = new ArrayList<>();
        try (var store = TestStores.open(dir, clock, 0, 8 << 20)) {
            store.addListener(listener);
            int offset = 0;
            int victimOffset = -1;
            for (int i = 0; i < sizes.length; i++) {
                Blocks b = Blocks.random(random, sizes[i]);
                store.put(b.address, b.buffer(), Lease.NEVER);
                blocks.add(b);
                if (i == victim) {
                    victimOffset = offset;
                }
                offset += SegmentRecord.HEADER_BYTES + sizes[i];
            }
            forgeContent(segment1(), victimOffset, sizes[victim]);
            BlockStore.ScrubReport all = store.scrub(Long.MAX_VALUE);
            assertThat(all.blocksChecked()).as("seed %d", SEED).isEqualTo(sizes.length);
            assertThat(all.corruptFound()).as("seed %d", SEED).isEqualTo(1);
            assertThat(listener.removed).containsExactly("QUARANTINED " + blocks.get(victim).address);
            for (int i = 0; i < sizes.length; i++) {
                assertThat(store.read(blocks.get(i).address).isPresent()).as("block %d, seed %d", i, SEED).isEqualTo(i != victim);
            }
            assertThat(store.scrub(Long.MAX_VALUE).corruptFound()).isZero();
        }
    }
}
