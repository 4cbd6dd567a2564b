package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.HashedBlock;
import io.cairn.core.Lease;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SegmentBlockStore#putAll}: every new block appended, one durability wait, then indexed;
 * blocks already stored merge their lease; duplicates in a batch and blocks another writer is
 * storing right now fall back to the single put. Outcomes are those separate puts would give,
 * each block is stored once, and a refused batch leaves the space account as it was.
 */
class PutAllTest {
    private static final long SEED = 3_1415;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final BlockStore.PutOutcome CREATED = BlockStore.PutOutcome.CREATED;
    private static final BlockStore.PutOutcome EXISTED = BlockStore.PutOutcome.EXISTED;

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);
    private final RecordingListener listener = new RecordingListener();
    private SegmentBlockStore store;

    @BeforeEach
    void open() {
        open(0);
    }

    private void open(long capacityBytes) {
        store = TestStores.open(dir, clock, capacityBytes, TestStores.SMALL_SEGMENT_BYTES);
        store.addListener(listener);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        store.close();
        open();
    }

    private Lease inDays(int days) {
        return Lease.until(clock.now().plus(Duration.ofDays(days)));
    }

    private static List<HashedBlock> hashed(List<Blocks> blocks) {
        return blocks.stream().map(b -> HashedBlock.of(b.buffer())).toList();
    }

    private static HashedBlock hashed(Blocks b) {
        return HashedBlock.of(b.buffer());
    }

    private List<Blocks> randomBlocks(int n, int maxSize) {
        List<Blocks> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Blocks.random(random, 1 + random.nextInt(maxSize)));
        }
        return out;
    }

    private void assertStored(List<Blocks> blocks, Lease lease) {
        for (int i = 0; i < blocks.size(); i++) {
            Blocks b = blocks.get(i);
            assertThat(b.readFrom(store)).as("seed %d block %d", SEED, i).isEqualTo(b.bytes);
            assertThat(store.lease(b.address)).as("seed %d block %d", SEED, i).contains(lease);
        }
    }

    private static long sizeSum(List<Blocks> blocks) {
        return blocks.stream().mapToLong(b -> b.bytes.length).sum();
    }

    @Test
    void newBlocksAreAllCreatedReadableAndDurable() {
        List<Blocks> blocks = randomBlocks(40, 20_000); // about 400 KiB: the batch rolls 64 KiB segments on the way
        List<BlockStore.PutOutcome> outcomes = store.putAll(hashed(blocks), inDays(30));
        assertThat(outcomes).hasSize(blocks.size()).containsOnly(CREATED);
        assertStored(blocks, inDays(30));
        assertThat(store.blockCount()).isEqualTo(blocks.size());
        assertThat(store.space().usedBytes()).isEqualTo(sizeSum(blocks));
        assertThat(listener.added).containsExactlyElementsOf(blocks.stream().map(b -> b.address).toList());
        assertThat(TestStores.segmentFiles(dir).size()).as("seed %d: the batch crossed segments", SEED).isGreaterThan(2);
        assertThat(store.putAll(List.of(), inDays(30))).isEmpty();
        reopen();
        assertThat(store.blockCount()).isEqualTo(blocks.size());
        assertStored(blocks, inDays(30));
        assertThat(store.space().usedBytes()).isEqualTo(sizeSum(blocks));
    }

    @Test
    void blocksAlreadyStoredExistAndALongerLeaseInTheBatchRaisesTheirs() {
        Blocks a = Blocks.random(random, 1000);
        Blocks b = Blocks.random(random, 2000);
        Blocks c = Blocks.random(random, 3000);
        store.put(a.address, a.buffer(), inDays(10));
        store.put(hashed(b), inDays(10));
        assertThat(store.putAll(hashed(List.of(a, c, b)), inDays(40))).containsExactly(EXISTED, CREATED, EXISTED);
        assertStored(List.of(a, b, c), inDays(40));
        assertThat(store.putAll(hashed(List.of(a, b, c)), inDays(5))).as("a lease only grows").containsExactly(EXISTED, EXISTED, EXISTED);
        assertStored(List.of(a, b, c), inDays(40));
        assertThat(store.blockCount()).isEqualTo(3);
        assertThat(store.space().usedBytes()).isEqualTo(6000);
        assertThat(listener.added).containsExactly(a.address, b.address, c.address);
        reopen();
        assertStored(List.of(a, b, c), inDays(40)); // the merges were durable when putAll returned
        assertThat(store.space().usedBytes()).isEqualTo(6000);
    }

    @Test
    void anExpiredBlockInTheBatchIsCreatedAgain() {
        Blocks a = Blocks.random(random, 500);
        Blocks live = Blocks.random(random, 500);
        store.put(a.address, a.buffer(), inDays(1));
        store.put(live.address, live.buffer(), inDays(90));
        clock.advance(Duration.ofDays(2));
        assertThat(store.contains(a.address)).isFalse();
        assertThat(store.putAll(hashed(List.of(a, live)), inDays(30))).containsExactly(CREATED, EXISTED);
        assertThat(store.expire(clock.now())).as("brought back, so not reclaimed").isZero();
        assertThat(a.readFrom(store)).isEqualTo(a.bytes);
        assertThat(store.lease(a.address)).contains(inDays(30));
        assertThat(store.lease(live.address)).contains(inDays(88));
    }

    @Test
    void theSameBlockTwiceInOneBatchIsCreatedOnceAndStoredOnce() {
        Blocks a = Blocks.random(random, 7000);
        Blocks b = Blocks.random(random, 300);
        assertThat(store.putAll(hashed(List.of(a, b, a, a)), inDays(30))).containsExactly(CREATED, CREATED, EXISTED, EXISTED);
        assertThat(store.blockCount()).isEqualTo(2);
        assertThat(store.space().usedBytes()).isEqualTo(7300);
        assertThat(listener.added).containsExactly(a.address, b.address);
        assertStored(List.of(a, b), inDays(30));
        store.close();
        assertThat(LogFiles.blockRecordsPerAddress(dir)).as("one record per block in the log").isEqualTo(Map.of(a.address, 1, b.address, 1));
        open();
        assertThat(store.blockCount()).isEqualTo(2);
        assertStored(List.of(a, b), inDays(30));
        assertThat(store.space().usedBytes()).isEqualTo(7300);
    }

    /**
     * Batches and single puts of overlapping blocks from many threads at once: nobody fails,
     * each block is CREATED exactly once over every outcome, the others say EXISTED, the log
     * holds one record per block and the listeners hear of each block once.
     */
    @Test
    void batchesRacingSinglePutsOfTheSameBlocksStoreEachBlockOnce() throws Exception {
        Lease lease = Lease.NEVER;
        List<Blocks> everything = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<Blocks> pool = randomBlocks(120, 5000);
            Map<Address, AtomicInteger> created = new ConcurrentHashMap<>();
            Map<Address, AtomicInteger> existed = new ConcurrentHashMap<>();
            Map<Address, Blocks> picked = new ConcurrentHashMap<>();
            int threads = 8;
            ExecutorService workers = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Void>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Random mine = new Random(SEED * 31 + round * 100 + t);
                    boolean batches = t % 2 == 0;
                    Callable<Void> worker = () -> {
                        if (!start.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                            throw new AssertionError("start gate never opened");
                        }
                        for (int step = 0; step < 8; step++) {
                            List<Blocks> chosen = new ArrayList<>();
                            for (int i = 0, n = batches ? 1 + mine.nextInt(20) : 1; i < n; i++) {
                                chosen.add(pool.get(mine.nextInt(pool.size()))); // duplicates inside a batch too
                            }
                            chosen.forEach(b -> picked.put(b.address, b));
                            List<BlockStore.PutOutcome> outcomes;
                            if (batches) {
                                outcomes = store.putAll(hashed(chosen), lease);
                            } else if (mine.nextBoolean()) {
                                outcomes = List.of(store.put(hashed(chosen.getFirst()), lease));
                            } else {
                                outcomes = List.of(store.put(chosen.getFirst().address, chosen.getFirst().buffer(), lease));
                            }
                            assertThat(outcomes).hasSize(chosen.size());
                            for (int i = 0; i < chosen.size(); i++) {
                                (outcomes.get(i) == CREATED ? created : existed)
                                        .computeIfAbsent(chosen.get(i).address, k -> new AtomicInteger()).incrementAndGet();
                            }
                        }
                        return null;
                    };
                    done.add(workers.submit(worker));
                }
                start.countDown();
                for (Future<Void> f : done) {
                    f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                workers.shutdownNow();
            }
            for (Blocks b : picked.values()) {
                assertThat(created.get(b.address)).as("seed %d round %d: CREATED once for %s", SEED, round, b.address).hasValue(1);
            }
            assertThat(created.keySet()).as("seed %d round %d", SEED, round).isEqualTo(picked.keySet());
            everything.addAll(picked.values());
            assertThat(store.blockCount()).as("seed %d round %d", SEED, round).isEqualTo(everything.size());
            assertThat(store.space().usedBytes()).as("seed %d round %d", SEED, round).isEqualTo(sizeSum(everything));
            assertThat(listener.added).as("seed %d round %d", SEED, round).hasSize(everything.size()).doesNotHaveDuplicates();
            assertStored(everything, lease);
        }
        store.close();
        Map<Address, Integer> records = LogFiles.blockRecordsPerAddress(dir);
        assertThat(records).as("seed %d: one record per block in the log", SEED).hasSize(everything.size());
        assertThat(records.values()).as("seed %d", SEED).containsOnly(1);
        open();
        assertThat(store.blockCount()).isEqualTo(everything.size());
        assertStored(everything, lease);
    }

    @Test
    void anOversizedBlockRefusesTheWholeBatchAndStoresNothing() {
        Blocks small = Blocks.random(random, 100);
        Blocks other = Blocks.random(random, 5000);
        HashedBlock tooBig = HashedBlock.of(ByteBuffer.allocate(SegmentRecord.MAX_CONTENT_BYTES + 1));
        assertThatThrownBy(() -> store.putAll(List.of(hashed(small), tooBig, hashed(other)), inDays(1)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThat(store.blockCount()).isZero();
        assertThat(store.space().usedBytes()).isZero();
        assertThat(store.contains(small.address)).isFalse();
        assertThat(store.contains(other.address)).isFalse();
        assertThat(listener.added).isEmpty();
        assertThat(TestStores.lastSegment(dir)).as("nothing appended").isEmptyFile();
        Blocks max = Blocks.random(random, SegmentRecord.MAX_CONTENT_BYTES);
        assertThat(store.putAll(hashed(List.of(small, max)), inDays(1))).as("4 MiB is not too large").containsExactly(CREATED, CREATED);
        assertThat(max.readFrom(store)).isEqualTo(max.bytes);
    }

    @Test
    void capacityRunningOutMidBatchIs507AndKeepsTheBlocksBeforeIt() {
        store.close();
        open(10_000);
        Blocks stored = Blocks.random(random, 3000);
        store.put(stored.address, stored.buffer(), Lease.NEVER);
        assertThat(store.space()).isEqualTo(new BlockStore.SpaceReport(10_000, 3000, 7000, 0));
        Blocks a = Blocks.random(random, 2000);
        Blocks b = Blocks.random(random, 2000);
        Blocks c = Blocks.random(random, 4000); // 3000 + 2000 + 2000 + 4000 > 10,000
        assertThatThrownBy(() -> store.putAll(hashed(List.of(a, stored, b, c)), Lease.NEVER))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
        // as after separate puts: the blocks before the refusal are stored and counted, c is not
        assertThat(store.space()).as("a and b counted, no reservation left").isEqualTo(new BlockStore.SpaceReport(10_000, 7000, 3000, 0));
        assertThat(store.blockCount()).isEqualTo(3);
        assertThat(listener.added).containsExactly(stored.address, a.address, b.address);
        assertThat(store.contains(c.address)).isFalse();
        // 3000 fits exactly: it would not if c's reservation had stayed
        Blocks fills = Blocks.random(random, 3000);
        assertThat(store.put(fills.address, fills.buffer(), Lease.NEVER)).isEqualTo(CREATED);
        assertThat(store.space()).isEqualTo(new BlockStore.SpaceReport(10_000, 10_000, 0, 0));
        Blocks one = Blocks.random(random, 1);
        assertThatThrownBy(() -> store.putAll(hashed(List.of(one)), Lease.NEVER))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
        store.delete(fills.address);
        assertThat(store.putAll(hashed(List.of(a, b)), Lease.NEVER)).containsExactly(EXISTED, EXISTED);
        assertThat(store.space()).isEqualTo(new BlockStore.SpaceReport(10_000, 7000, 3000, 0));
        assertThat(a.readFrom(store)).isEqualTo(a.bytes);
        assertThat(b.readFrom(store)).isEqualTo(b.bytes);
    }

    /**
     * What the store showed before a close it shows after: the blocks a refused batch appended
     * before the refusal are indexed and counted (never left in the log unindexed, where recovery
     * would find them and count them past the capacity), and the one refused is nowhere.
     */
    @Test
    void aRefusedBatchShowsTheSameBlocksAndSpaceAfterAReopen() {
        store.close();
        open(10_000);
        Blocks a = Blocks.random(random, 4000);
        Blocks b = Blocks.random(random, 4000);
        Blocks c = Blocks.random(random, 4000);
        assertThatThrownBy(() -> store.putAll(hashed(List.of(a, b, c)), Lease.NEVER))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
        Blocks fills = Blocks.random(random, 2000);
        assertThat(store.put(fills.address, fills.buffer(), Lease.NEVER)).isEqualTo(CREATED);
        long count = store.blockCount();
        BlockStore.SpaceReport space = store.space();
        assertThat(count).isEqualTo(3);
        assertThat(space.usedBytes()).isEqualTo(10_000);
        store.close();
        open(10_000);
        assertThat(store.contains(a.address)).isTrue();
        assertThat(store.contains(b.address)).isTrue();
        assertThat(store.contains(c.address)).as("refused: not there after a reopen either").isFalse();
        assertThat(store.blockCount()).isEqualTo(count);
        assertThat(store.space()).isEqualTo(space);
        assertThat(store.space().usedBytes()).isLessThanOrEqualTo(10_000);
    }
}
