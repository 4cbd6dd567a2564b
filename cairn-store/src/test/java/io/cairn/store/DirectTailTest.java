package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Lease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The active segment's tail written with {@code O_DIRECT} ({@link DirectTail}), end to end through
 * the store, and the same scenarios through the page cache ({@code -Dcairn.store.directIo=false}):
 * every block reads back with its bytes, a clean close and a roll leave no padding, sealed
 * segments keep hints that match them, a segment reopened inside a 4 KiB block is appended to
 * without harming the records already in it, compaction never loses a block readers follow,
 * and a failed direct write fails its own writers only.
 *
 * <p>Direct mode needs a file system that takes {@code O_DIRECT} (ext4, xfs; the default temp
 * directory here; tmpfs only since Linux 6.6); where it is refused those cases are skipped, not
 * failed. A failed direct write is made real by closing the tail's descriptor and moving the
 * segment away (reflection on private fields: rename them here too). Every wait is bounded; the
 * seed is in the failure messages. The two disabled tests at the end reproduce production bugs.
 */
class DirectTailTest {
    private static final long SEED = 7_2511;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final String DIRECT_IO = "cairn.store.directIo";
    private static final long STEP_BYTES = 16 * 1024;

    enum Mode { DIRECT, PAGE_CACHE }

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);
    private String savedDirectIo;
    private long alignment;

    @BeforeEach
    void saveProperty() {
        savedDirectIo = System.getProperty(DIRECT_IO);
    }

    @AfterEach
    void restoreProperty() {
        if (savedDirectIo == null) {
            System.clearProperty(DIRECT_IO);
        } else {
            System.setProperty(DIRECT_IO, savedDirectIo);
        }
    }

    /**
     * Puts the test in {@code mode} for its whole length (a roll opens the next segment's tail, so
     * the property must hold throughout, not only at open) and checks that the mode is real: a
     * probe file in the store's directory gets a direct tail exactly in direct mode.
     */
    private void use(Mode mode) throws IOException {
        if (mode == Mode.PAGE_CACHE) {
            System.setProperty(DIRECT_IO, "false");
        } else {
            System.clearProperty(DIRECT_IO);
        }
        Path probe = Files.createFile(dir.resolve("direct-io-probe"));
        try (DirectTail t = DirectTail.open(probe, 0)) {
            if (mode == Mode.DIRECT) {
                assumeTrue(t != null, "the file system of " + dir + " refuses O_DIRECT");
            } else {
                assertThat(t).as("-D%s=false", DIRECT_IO).isNull();
            }
        } finally {
            Files.delete(probe);
        }
        alignment = Files.getFileStore(dir).getBlockSize();
    }

    private long roundUp(long end) {
        return (end + alignment - 1) / alignment * alignment;
    }

    // ---- blocks and checks ----

    /**
     * {@code n} sizes from 1 byte to 4 MiB: the edges of a 4 KiB block, records just below and
     * above the stage's first size, the largest block, and random ones, mostly small and almost
     * never a multiple of 4096. Shuffled, so the big ones land between small ones.
     */
    private List<Integer> mixedSizes(int n) {
        int h = SegmentRecord.HEADER_BYTES;
        List<Integer> sizes = new ArrayList<>(List.of(1, 4096 - h, 4095, 4096, 4097, 8192 - h + 1,
                DirectTail.INITIAL_BYTES - h, DirectTail.INITIAL_BYTES + 1, 3 * 1024 * 1024 + 5, SegmentRecord.MAX_CONTENT_BYTES));
        while (sizes.size() < n) {
            int r = random.nextInt(100);
            sizes.add(r < 70 ? 1 + random.nextInt(8192)
                    : r < 96 ? 1 + random.nextInt(256 * 1024)
                    : 1 + random.nextInt(SegmentRecord.MAX_CONTENT_BYTES));
        }
        Collections.shuffle(sizes, random);
        return sizes;
    }

    private List<Blocks> blocksOf(List<Integer> sizes) {
        List<Blocks> blocks = new ArrayList<>();
        for (int size : sizes) {
            blocks.add(Blocks.random(random, size));
        }
        return blocks;
    }

    private static byte[] viewBytes(BlockStore store, Blocks b) {
        try (BlockView v = store.readView(b.address).orElse(null)) {
            if (v == null) {
                return null;
            }
            byte[] out = new byte[v.content().remaining()];
            v.content().duplicate().get(out);
            return out;
        }
    }

    /** Compares without printing megabytes: says where the bytes first differ. */
    private static void assertBytes(byte[] got, Blocks b, String context) {
        if (got == null) {
            throw new AssertionError("seed " + SEED + ": " + context + ": block " + b.address + " of " + b.bytes.length + " bytes is absent");
        }
        if (!Arrays.equals(got, b.bytes)) {
            int at = Arrays.mismatch(got, b.bytes);
            throw new AssertionError("seed " + SEED + ": " + context + ": block " + b.address + " of " + b.bytes.length
                    + " bytes read back as " + got.length + " bytes differing from byte " + at);
        }
    }

    /** Both read paths: the copying read and the lending view (a mapping of the segment where it can). */
    private static void assertReadable(BlockStore store, Blocks b, String context) {
        assertBytes(b.readFrom(store), b, context + " (read)");
        assertBytes(viewBytes(store, b), b, context + " (readView)");
    }

    private static void assertAllReadable(BlockStore store, List<Blocks> blocks, String context) {
        for (int i = 0; i < blocks.size(); i++) {
            assertReadable(store, blocks.get(i), context + ", block " + i);
        }
    }

    private static long sizeSum(List<Blocks> blocks) {
        return blocks.stream().mapToLong(b -> b.bytes.length).sum();
    }

    /** Puts the blocks from {@code threads} threads at once, each reading its block back as soon as put returns. */
    private static void putConcurrently(BlockStore store, List<Blocks> blocks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                Callable<Void> writer = () -> {
                    if (!start.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                        throw new AssertionError("start gate never opened");
                    }
                    for (int i = first; i < blocks.size(); i += threads) {
                        Blocks b = blocks.get(i);
                        assertThat(store.put(b.address, b.buffer(), Lease.NEVER)).as("seed %d block %d", SEED, i)
                                .isEqualTo(BlockStore.PutOutcome.CREATED);
                        assertReadable(store, b, "right after its put, block " + i);
                    }
                    return null;
                };
                done.add(pool.submit(writer));
            }
            start.countDown();
            for (Future<Void> f : done) {
                f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The active segment of an open, quiet store: a direct write pads the last block with zeros
     * (only the zeros follow the last record), a page-cache append ends exactly at the record.
     */
    private void assertOpenTail(Mode mode, Path tail) {
        long end = LogFiles.validEnd(tail);
        long size = LogFiles.size(tail);
        if (mode == Mode.DIRECT) {
            assertThat(size).as("seed %d: %s padded to its block while open", SEED, tail.getFileName()).isEqualTo(roundUp(end));
            assertThat(LogFiles.bytes(tail, end, size)).as("seed %d: the padding is zeros", SEED).isEqualTo(new byte[(int) (size - end)]);
        } else {
            assertThat(size).as("seed %d: %s ends at its last record", SEED, tail.getFileName()).isEqualTo(end);
        }
    }

    /** A closed store's active segment: its file ends exactly where its last record does. */
    private static void assertNoPadding(Path tail) {
        assertThat(LogFiles.size(tail)).as("seed %d: %s after a clean close", SEED, tail.getFileName()).isEqualTo(LogFiles.validEnd(tail));
    }

    /**
     * Every segment but the last is sealed: no padding, and a valid hint whose recorded length is
     * the file's (so recovery replays the hint and never scans it) and whose entries are exactly
     * the records a scan finds. A segment passes its limit only when one record fills it alone.
     */
    private void assertSealedSegmentsHaveMatchingHints(long segmentBytes) {
        List<Path> segments = TestStores.segmentFiles(dir);
        for (Path seg : segments.subList(0, segments.size() - 1)) {
            String name = "seed " + SEED + ": sealed " + seg.getFileName();
            long size = LogFiles.size(seg);
            List<LogFiles.Scanned> records = LogFiles.records(seg);
            assertThat(LogFiles.validEnd(seg)).as("%s ends at its last record", name).isEqualTo(size);
            HintFile hint = HintFile.open(TestStores.segmentsDir(dir), LogFiles.idOf(seg));
            assertThat(hint).as("%s has a valid hint", name).isNotNull();
            assertThat(hint.segmentBytes()).as("%s: the hint's length", name).isEqualTo(size);
            assertThat(hint.count()).as("%s: the hint's entries", name).isEqualTo(records.size());
            for (int i = 0; i < records.size(); i++) {
                HintFile.Entry e = hint.entry(i);
                assertThat(new LogFiles.Scanned(e.kind(), e.offset(), e.length(), e.address())).as("%s entry %d", name, i).isEqualTo(records.get(i));
            }
            if (size > segmentBytes) {
                assertThat(records).as("%s passes the limit with one record only", name).hasSize(1);
            }
        }
    }

    // ---- (a) many blocks of mixed sizes from several threads ----

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void mixedSizesFromSeveralThreadsReadBackIdenticallyAndSurviveAReopenWithoutPadding(Mode mode) throws Exception {
        use(mode);
        List<Blocks> blocks = blocksOf(mixedSizes(120));
        long segmentBytes = SegmentLog.DEFAULT_SEGMENT_BYTES; // one segment: the tail takes every record
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            putConcurrently(store, blocks, 6);
            assertThat(TestStores.segmentFiles(dir)).as("seed %d: no roll", SEED).hasSize(1);
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(blocks.size());
            assertOpenTail(mode, TestStores.lastSegment(dir));
            assertAllReadable(store, blocks, "after every put");
        }
        Path tail = TestStores.lastSegment(dir);
        assertNoPadding(tail);
        assertThat(LogFiles.records(tail)).as("seed %d: one record per block", SEED).hasSize(blocks.size());
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(blocks.size());
            assertThat(store.space().usedBytes()).as("seed %d", SEED).isEqualTo(sizeSum(blocks));
            assertAllReadable(store, blocks, "after a reopen");
            assertThat(store.scrub(Long.MAX_VALUE).corruptFound()).isZero();
        }
        assertNoPadding(tail);
    }

    // ---- (b) rolls ----

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void rollsSealEverySegmentWithoutPaddingAndWithAHintThatMatches(Mode mode) throws Exception {
        use(mode);
        long segmentBytes = 256 * 1024;
        List<Integer> sizes = new ArrayList<>(List.of(DirectTail.INITIAL_BYTES + 1, SegmentRecord.MAX_CONTENT_BYTES,
                (int) segmentBytes - SegmentRecord.HEADER_BYTES, (int) segmentBytes));
        while (sizes.size() < 240) {
            sizes.add(random.nextInt(10) == 0 ? 1 + random.nextInt(300 * 1024) : 1 + random.nextInt(20_000));
        }
        Collections.shuffle(sizes, random);
        List<Blocks> blocks = blocksOf(sizes);
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            putConcurrently(store, blocks, 6);
            assertThat(TestStores.segmentFiles(dir).size()).as("seed %d: many rolls", SEED).isGreaterThan(10);
            assertSealedSegmentsHaveMatchingHints(segmentBytes);
            assertOpenTail(mode, TestStores.lastSegment(dir));
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(blocks.size());
            assertAllReadable(store, blocks, "after the rolls");
        }
        assertSealedSegmentsHaveMatchingHints(segmentBytes);
        assertNoPadding(TestStores.lastSegment(dir));
        assertThat(LogFiles.blockRecordsPerAddress(dir)).as("seed %d: every block once", SEED).hasSize(blocks.size()).allSatisfy((a, n) -> assertThat(n).isOne());
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(blocks.size());
            assertThat(store.space().usedBytes()).as("seed %d", SEED).isEqualTo(sizeSum(blocks));
            assertAllReadable(store, blocks, "after a reopen");
            List<Blocks> more = blocksOf(List.of(100_000, 200_000, 3000, 1));
            putConcurrently(store, more, 2);
            blocks = new ArrayList<>(blocks);
            blocks.addAll(more);
        }
        assertSealedSegmentsHaveMatchingHints(segmentBytes);
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(blocks.size());
            assertAllReadable(store, blocks, "after a second reopen");
        }
    }

    // ---- (d) a segment reopened inside a block ----

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void aSegmentReopenedInsideABlockIsAppendedToWithoutHarmingTheRecordsBeforeIt(Mode mode) throws Exception {
        use(mode);
        long segmentBytes = 64L * 1024 * 1024; // no roll: every round appends to the same file
        List<Blocks> all = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
                Path tail = TestStores.lastSegment(dir);
                if (round > 0) {
                    assertThat(LogFiles.size(tail) % alignment).as("seed %d: round %d reopens inside a block", SEED, round).isNotZero();
                }
                assertAllReadable(store, all, "round " + round + " after the reopen");
                // tiny blocks stay inside the reopened block; bigger ones cross it; round 3 grows the stage
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    int size = round == 3 && i == 0 ? DirectTail.INITIAL_BYTES + 12_345
                            : random.nextBoolean() ? 1 + random.nextInt(200) : 1 + random.nextInt(3 * 4096);
                    Blocks b = Blocks.random(random, size);
                    store.put(b.address, b.buffer(), Lease.NEVER);
                    all.add(b);
                    assertReadable(store, b, "round " + round + " right after its put");
                }
                if (LogFiles.validEnd(tail) % alignment == 0) { // never leave on a boundary: the next round must re-read a partial block
                    Blocks b = Blocks.random(random, 1 + random.nextInt(100));
                    store.put(b.address, b.buffer(), Lease.NEVER);
                    all.add(b);
                }
                assertOpenTail(mode, tail);
                assertAllReadable(store, all, "round " + round + " after its puts");
            }
            Path tail = TestStores.lastSegment(dir);
            assertNoPadding(tail);
            assertThat(LogFiles.records(tail)).as("seed %d: round %d, every record intact", SEED, round).hasSize(all.size());
        }
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(all.size());
            assertAllReadable(store, all, "at the end");
            assertThat(store.scrub(Long.MAX_VALUE).corruptFound()).isZero();
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The crash case of (d): the copy of a running store ends in the padding, which recovery cuts as a torn tail. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void afterACrashThePaddingIsCutAndAppendsGoOnInsideThePartialBlock(Mode mode) throws Exception {
        use(mode);
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        long segmentBytes = 1 << 20;
        List<Blocks> acked = blocksOf(List.of(1000, 5000, 123, 77));
        try (var store = TestStores.open(live, clock, 0, segmentBytes)) {
            for (Blocks b : acked) {
                store.put(b.address, b.buffer(), Lease.NEVER);
            }
            copyTree(live, crashed); // what a kill -9 now leaves
        }
        Path tail = TestStores.lastSegment(crashed);
        long end = LogFiles.validEnd(tail);
        assertThat(end % alignment).as("the records end inside a block").isNotZero();
        assertThat(LogFiles.size(tail)).as("left as the running store had it").isEqualTo(mode == Mode.DIRECT ? roundUp(end) : end);
        List<Blocks> all = new ArrayList<>(acked);
        try (var store = TestStores.open(crashed, clock, 0, segmentBytes)) {
            assertThat(LogFiles.size(tail)).as("recovery cut the padding off").isEqualTo(end);
            assertAllReadable(store, all, "after the crash");
            for (Blocks b : blocksOf(List.of(10, 4000, 9000, 1))) {
                store.put(b.address, b.buffer(), Lease.NEVER);
                all.add(b);
            }
            assertAllReadable(store, all, "after appending past the cut");
        }
        try (var store = TestStores.open(crashed, clock, 0, segmentBytes)) {
            assertThat(store.blockCount()).isEqualTo(all.size());
            assertAllReadable(store, all, "after a second reopen");
        }
        assertThat(LogFiles.records(tail)).hasSize(all.size());
    }

    // ---- (e) compaction while readers follow the index ----

    /** Runs bounded steps until there is nothing to do; returns the number of segments deleted. */
    private static int compactFully(BlockStore store) {
        int deleted = 0;
        for (int call = 0; call < 10_000; call++) {
            BlockStore.CompactionReport r = store.compact(STEP_BYTES);
            if (!r.busy()) {
                return deleted;
            }
            deleted += r.segmentsDeleted();
        }
        throw new AssertionError("compaction did not finish in 10,000 steps, seed " + SEED);
    }

    /**
     * Compaction appends a copy and points the index at it before the copy's group commit; in
     * direct mode the copy is then only in memory unless {@link SegmentLog#makeReadable} writes
     * it first. Readers hammering the live blocks meanwhile must never find one missing, and
     * nothing may be quarantined.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void compactionWhileReadersFollowTheIndexNeverQuarantinesNorLosesALiveBlock(Mode mode) throws Exception {
        use(mode);
        RecordingListener listener = new RecordingListener();
        List<Blocks> kept = new CopyOnWriteArrayList<>();
        List<Blocks> garbage = new ArrayList<>();
        try (var store = TestStores.open(dir, clock)) { // 64 KiB segments
            store.addListener(listener);
            for (int i = 0; i < 400; i++) {
                Blocks b = Blocks.random(random, 1 + random.nextInt(3000));
                store.put(b.address, b.buffer(), Lease.NEVER);
                (i % 5 == 0 ? kept : garbage).add(b);
            }
            for (Blocks b : garbage) {
                store.delete(b.address);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            AtomicBoolean stop = new AtomicBoolean();
            int deleted = 0;
            try {
                List<Future<Long>> readers = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    Random readerRandom = new Random(SEED + 100 + r);
                    readers.add(pool.submit(() -> {
                        long reads = 0;
                        while (!stop.get()) {
                            Blocks b = kept.get(readerRandom.nextInt(kept.size()));
                            assertBytes(readerRandom.nextBoolean() ? b.readFrom(store) : viewBytes(store, b), b, "read during compaction");
                            reads++;
                        }
                        return reads;
                    }));
                }
                Future<?> writer = pool.submit(() -> {
                    Random writerRandom = new Random(SEED + 1);
                    for (int i = 0; i < 100; i++) {
                        Blocks b = Blocks.random(writerRandom, 1 + writerRandom.nextInt(3000));
                        store.put(b.address, b.buffer(), Lease.NEVER);
                        kept.add(b);
                    }
                });
                for (int call = 0; call < 10_000 && !writer.isDone(); call++) {
                    deleted += store.compact(STEP_BYTES).segmentsDeleted();
                }
                writer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                deleted += compactFully(store);
                stop.set(true);
                for (Future<Long> f : readers) {
                    assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("seed %d: a reader read", SEED).isPositive();
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            assertThat(deleted).as("seed %d: compaction deleted segments", SEED).isPositive();
            assertThat(listener.removed).as("seed %d: nothing but the deletes was removed", SEED)
                    .hasSize(garbage.size()).allMatch(s -> s.startsWith("DELETED "));
            assertThat(dir.resolve("quarantine")).as("seed %d: nothing quarantined", SEED).doesNotExist();
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(kept.size());
            assertAllReadable(store, kept, "after compaction");
            assertThat(store.scrub(Long.MAX_VALUE).corruptFound()).isZero();
        }
        assertNoPadding(TestStores.lastSegment(dir));
        try (var store = TestStores.open(dir, clock)) {
            assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(kept.size());
            assertAllReadable(store, kept, "after compaction and a reopen");
            for (Blocks b : garbage) {
                assertThat(store.contains(b.address)).as("seed %d: deleted stays deleted", SEED).isFalse();
            }
        }
    }

    // ---- a failed direct write ----

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static SegmentLog logOf(SegmentBlockStore store) throws ReflectiveOperationException {
        return ((StoreState) field(SegmentBlockStore.class, "state").get(store)).log;
    }

    /**
     * Makes the next direct write fail for real: the tail's descriptor is closed (as an interrupt
     * would) and the segment moved away, so the tail cannot reopen it. Returns where it went.
     */
    private static Path breakDirectWrites(SegmentLog log, Path tail) throws ReflectiveOperationException, IOException {
        Object direct = field(SegmentLog.class, "tail").get(log);
        assertThat(direct).as("the log writes with a direct tail").isNotNull();
        ((FileChannel) field(DirectTail.class, "channel").get(direct)).close();
        return Files.move(tail, tail.resolveSibling(tail.getFileName() + ".away"));
    }

    /**
     * A direct write that fails drops exactly the records staged since the last good one: their
     * writers get the error, nothing else changes, the next append goes on, and the hint that
     * listed the dropped records is given up so that recovery scans the segment instead.
     */
    @Test
    void aFailedDirectWriteFailsOnlyItsWritersAndTheLogGoesOn() throws Exception {
        use(Mode.DIRECT);
        long segmentBytes = 1 << 20;
        List<Blocks> stored = new ArrayList<>(blocksOf(List.of(1000, 7000, 300)));
        List<Blocks> lost = blocksOf(List.of(2000, 50, 9000, 4096));
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            for (Blocks b : stored) {
                store.put(b.address, b.buffer(), Lease.NEVER);
            }
            Path tail = TestStores.lastSegment(dir);
            long used = store.space().usedBytes();
            Path away = breakDirectWrites(logOf(store), tail);
            ExecutorService pool = Executors.newFixedThreadPool(lost.size());
            try {
                List<Future<Throwable>> puts = new ArrayList<>();
                for (Blocks b : lost) {
                    puts.add(pool.submit(() -> {
                        try {
                            store.put(b.address, b.buffer(), Lease.NEVER);
                            return null;
                        } catch (Throwable t) {
                            return t;
                        }
                    }));
                }
                for (Future<Throwable> f : puts) {
                    assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("every writer of a dropped record is told")
                            .isInstanceOfSatisfying(CairnException.class, e -> {
                                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                                assertThat(e).hasRootCauseInstanceOf(NoSuchFileException.class);
                            });
                }
            } finally {
                pool.shutdownNow();
            }
            for (Blocks b : lost) {
                assertThat(store.contains(b.address)).isFalse();
            }
            assertThat(store.space().usedBytes()).as("the reservations went back").isEqualTo(used);
            assertThat(store.blockCount()).isEqualTo(stored.size());
            Files.move(away, tail);
            assertAllReadable(store, stored, "after the failed write");
            for (Blocks b : blocksOf(List.of(3000, 1, 20_000))) { // the log goes on where the good records end
                assertThat(store.put(b.address, b.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.CREATED);
                stored.add(b);
            }
            assertAllReadable(store, stored, "appended after the failure");
            Blocks rolls = Blocks.random(random, (int) segmentBytes - 1000); // seals the segment the dropped records were listed in
            store.put(rolls.address, rolls.buffer(), Lease.NEVER);
            stored.add(rolls);
            assertThat(HintFile.open(TestStores.segmentsDir(dir), LogFiles.idOf(tail))).as("the hint listing dropped records is given up").isNull();
        }
        assertThat(LogFiles.blockRecordsPerAddress(dir)).as("only what was acknowledged is in the log").hasSize(stored.size());
        try (var store = TestStores.open(dir, clock, 0, segmentBytes)) {
            assertThat(store.blockCount()).isEqualTo(stored.size());
            assertAllReadable(store, stored, "after a reopen");
            for (Blocks b : lost) {
                assertThat(store.contains(b.address)).isFalse();
            }
        }
    }

    // ---- production bugs, reproduced; enable once fixed ----

    /**
     * A compaction step whose copy of a live block cannot be written throws, but its cursor has
     * already passed the block; the next steps finish the segment and delete it with the block's
     * only record while the index still points into it.
     */
    @Test
    void aCompactionStepWhoseCopyCannotBeWrittenLosesNoBlock() throws Exception {
        use(Mode.DIRECT);
        Blocks live = Blocks.random(random, 1000);
        List<Blocks> garbage = blocksOf(List.of(10_000, 10_000, 10_000, 10_000, 10_000, 10_000));
        try (var store = TestStores.open(dir, clock)) { // 64 KiB segments
            store.put(live.address, live.buffer(), Lease.NEVER);
            for (Blocks b : garbage) {
                store.put(b.address, b.buffer(), Lease.NEVER);
            }
            Blocks next = Blocks.random(random, 10_000); // does not fit: seals segment 1 = live + garbage
            store.put(next.address, next.buffer(), Lease.NEVER);
            assertThat(TestStores.segmentFiles(dir)).hasSize(2);
            for (Blocks b : garbage) {
                store.delete(b.address);
            }
            Path tail = TestStores.lastSegment(dir);
            Path away = breakDirectWrites(logOf(store), tail);
            assertThatThrownBy(() -> store.compact(1 << 20)).as("copying the live block fails").isInstanceOf(CairnException.class);
            Files.move(away, tail);
            compactFully(store);
            assertReadable(store, live, "after compaction");
            assertReadable(store, next, "after compaction");
        }
        try (var store = TestStores.open(dir, clock)) {
            assertReadable(store, live, "after a reopen");
        }
    }

    /**
     * A record dropped by a failed direct write (another writer's group commit) is not in the
     * file, yet makeReadable returns as if it were; compaction then points the index at it.
     */
    @Test
    void makeReadableRefusesARecordDroppedByAFailedWrite() throws Exception {
        use(Mode.DIRECT);
        SegmentLog log = Recovery.recover(TestStores.segmentsDir(dir), 1 << 20, new BlockIndex(42), new SpaceAccount(StoreConfig.of(dir)));
        try {
            Blocks b = Blocks.random(random, 3000);
            SegmentLog.Appended copy = log.append(SegmentRecord.BLOCK, b.address, -1, Long.MAX_VALUE, b.buffer(), SegmentRecord.contentCrc(b.buffer()));
            Path tail = TestStores.lastSegment(dir);
            Path away = breakDirectWrites(log, tail);
            assertThatThrownBy(log::sync).as("a group commit drops the record").isInstanceOf(CairnException.class);
            Files.move(away, tail);
            assertThatThrownBy(() -> log.makeReadable(copy)).as("the record is not in the file").isInstanceOf(CairnException.class);
        } finally {
            log.close();
        }
    }
}
