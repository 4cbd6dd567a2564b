package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Lease;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentBlockStoreTest {
    private static final long SEED = 1121;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);
    private final RecordingListener listener = new RecordingListener();
    private SegmentBlockStore store;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, clock);
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

    @Test
    void putThenReadReturnsTheBytesAndTellsListeners() {
        Blocks b = Blocks.random(random, 1000);
        assertThat(store.put(b.address, b.buffer(), inDays(30))).isEqualTo(BlockStore.PutOutcome.CREATED);
        assertThat(b.readFrom(store)).isEqualTo(b.bytes);
        assertThat(store.contains(b.address)).isTrue();
        assertThat(store.sizeOf(b.address)).isEqualTo(1000);
        assertThat(store.lease(b.address)).contains(inDays(30));
        assertThat(store.blockCount()).isEqualTo(1);
        assertThat(listener.added).containsExactly(b.address);
    }

    @Test
    void absentBlocksAreEmpty() {
        Address nowhere = Blocks.random(random, 10).address;
        assertThat(store.read(nowhere)).isEmpty();
        assertThat(store.contains(nowhere)).isFalse();
        assertThat(store.sizeOf(nowhere)).isEqualTo(-1);
        assertThat(store.lease(nowhere)).isEmpty();
        assertThat(store.renew(nowhere, Lease.NEVER)).isFalse();
        assertThat(store.delete(nowhere)).isFalse();
    }

    @Test
    void emptyBlockIsABlock() {
        Blocks empty = Blocks.random(random, 0);
        assertThat(store.put(empty.address, empty.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.CREATED);
        assertThat(b(empty)).isEmpty();
    }

    private byte[] b(Blocks blocks) {
        return blocks.readFrom(store);
    }

    @Test
    void hashMismatchStoresNothing() {
        Blocks b = Blocks.random(random, 100);
        Address other = Blocks.random(random, 100).address;
        assertThatThrownBy(() -> store.put(other, b.buffer(), Lease.NEVER))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
        assertThat(store.blockCount()).isZero();
        assertThat(store.space().usedBytes()).isZero();
        assertThat(TestStores.lastSegment(dir)).isEmptyFile();
    }

    @Test
    void moreThanFourMebibytesIsTooLarge() {
        byte[] big = new byte[4 * 1024 * 1024 + 1];
        assertThatThrownBy(() -> store.put(Address.of(big), ByteBuffer.wrap(big), Lease.NEVER))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        Blocks max = Blocks.random(random, 4 * 1024 * 1024);
        assertThat(store.put(max.address, max.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.CREATED);
        assertThat(b(max)).isEqualTo(max.bytes);
    }

    @Test
    void rePutMergesLeasesAndSaysExisted() {
        Blocks b = Blocks.random(random, 100);
        store.put(b.address, b.buffer(), inDays(10));
        assertThat(store.put(b.address, b.buffer(), inDays(40))).isEqualTo(BlockStore.PutOutcome.EXISTED);
        assertThat(store.lease(b.address)).contains(inDays(40));
        assertThat(store.put(b.address, b.buffer(), inDays(5))).isEqualTo(BlockStore.PutOutcome.EXISTED);
        assertThat(store.lease(b.address)).as("a lease only grows").contains(inDays(40));
        assertThat(store.space().usedBytes()).isEqualTo(100);
        assertThat(listener.added).hasSize(1);
        reopen();
        assertThat(store.lease(b.address)).as("the merge was durable").contains(inDays(40));
    }

    @Test
    void renewOnlyGrowsAndSurvivesACleanRestart() {
        Blocks b = Blocks.random(random, 100);
        store.put(b.address, b.buffer(), inDays(1));
        assertThat(store.renew(b.address, inDays(30))).isTrue();
        assertThat(store.renew(b.address, inDays(2))).isTrue();
        assertThat(store.lease(b.address)).contains(inDays(30));
        reopen();
        assertThat(store.lease(b.address)).contains(inDays(30));
    }

    @Test
    void expiryReclaimsOnlyExpiredBlocks() {
        Blocks shortLived = Blocks.random(random, 300);
        Blocks renewed = Blocks.random(random, 300);
        Blocks forever = Blocks.random(random, 300);
        store.put(shortLived.address, shortLived.buffer(), inDays(1));
        store.put(renewed.address, renewed.buffer(), inDays(1));
        store.put(forever.address, forever.buffer(), Lease.NEVER);
        clock.advance(Duration.ofHours(12));
        store.renew(renewed.address, inDays(30));
        clock.advance(Duration.ofDays(1));
        assertThat(store.contains(shortLived.address)).as("expired is absent even before reclaim").isFalse();
        assertThat(store.read(shortLived.address)).isEmpty();
        assertThat(store.expire(clock.now())).isEqualTo(1);
        assertThat(store.expire(clock.now())).isZero();
        assertThat(listener.removed).containsExactly("EXPIRED " + shortLived.address);
        assertThat(store.space().usedBytes()).isEqualTo(600);
        assertThat(store.blockCount()).isEqualTo(2);
        reopen();
        assertThat(store.blockCount()).as("the expiry is durable").isEqualTo(2);
        assertThat(b(renewed)).isEqualTo(renewed.bytes);
        assertThat(b(forever)).isEqualTo(forever.bytes);
    }

    @Test
    void putOfAnExpiredBlockBringsItBack() {
        Blocks b = Blocks.random(random, 100);
        store.put(b.address, b.buffer(), inDays(1));
        clock.advance(Duration.ofDays(2));
        assertThat(store.put(b.address, b.buffer(), inDays(30))).isEqualTo(BlockStore.PutOutcome.CREATED);
        assertThat(store.expire(clock.now())).isZero();
        assertThat(b(b)).isEqualTo(b.bytes);
    }

    @Test
    void deleteIsDurableAndTold() {
        Blocks b = Blocks.random(random, 100);
        Blocks kept = Blocks.random(random, 100);
        store.put(b.address, b.buffer(), Lease.NEVER);
        store.put(kept.address, kept.buffer(), Lease.NEVER);
        assertThat(store.delete(b.address)).isTrue();
        assertThat(store.delete(b.address)).isFalse();
        assertThat(listener.removed).containsExactly("DELETED " + b.address);
        reopen();
        assertThat(store.contains(b.address)).isFalse();
        assertThat(b(kept)).isEqualTo(kept.bytes);
        assertThat(store.space().usedBytes()).isEqualTo(100);
        assertThat(store.put(b.address, b.buffer(), Lease.NEVER)).as("re-put after delete").isEqualTo(BlockStore.PutOutcome.CREATED);
        reopen();
        assertThat(b(b)).isEqualTo(b.bytes);
    }

    @Test
    void fullCapacityIs507AndTheStoreStaysConsistent() {
        store.close();
        store = TestStores.open(dir, clock, 10_000, TestStores.SMALL_SEGMENT_BYTES);
        List<Blocks> stored = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Blocks b = Blocks.random(random, 3000);
            store.put(b.address, b.buffer(), Lease.NEVER);
            stored.add(b);
        }
        Blocks tooMuch = Blocks.random(random, 3000);
        assertThatThrownBy(() -> store.put(tooMuch.address, tooMuch.buffer(), Lease.NEVER))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
        BlockStore.SpaceReport space = store.space();
        assertThat(space).isEqualTo(new BlockStore.SpaceReport(10_000, 9000, 1000, 0));
        assertThat(store.contains(tooMuch.address)).isFalse();
        assertThat(store.put(stored.get(0).address, stored.get(0).buffer(), Lease.NEVER)).as("re-put needs no room").isEqualTo(BlockStore.PutOutcome.EXISTED);
        store.delete(stored.get(1).address);
        assertThat(store.put(tooMuch.address, tooMuch.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.CREATED);
        store.close();
        store = TestStores.open(dir, clock, 10_000, TestStores.SMALL_SEGMENT_BYTES);
        assertThat(store.space().usedBytes()).isEqualTo(9000);
        assertThat(b(stored.get(0))).isEqualTo(stored.get(0).bytes);
        assertThat(b(tooMuch)).isEqualTo(tooMuch.bytes);
    }

    @Test
    void slotsAreFree64KiBBlocks() {
        store.close();
        store = TestStores.open(dir, clock, 1 << 20, TestStores.SMALL_SEGMENT_BYTES);
        Blocks b = Blocks.random(random, 65536 + 1);
        store.put(b.address, b.buffer(), Lease.NEVER);
        assertThat(store.space()).isEqualTo(new BlockStore.SpaceReport(1 << 20, 65537, (1 << 20) - 65537, 14));
    }

    @Test
    void concurrentWritersOfTheSameBlockStoreItOnce() throws Exception {
        Blocks b = Blocks.random(random, 20_000);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<BlockStore.PutOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int days = 1 + i;
                outcomes.add(pool.submit(() -> store.put(b.address, b.buffer(), inDays(days))));
            }
            int created = 0;
            for (Future<BlockStore.PutOutcome> f : outcomes) {
                if (f.get(30, TimeUnit.SECONDS) == BlockStore.PutOutcome.CREATED) {
                    created++;
                }
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.blockCount()).isEqualTo(1);
        assertThat(store.space().usedBytes()).isEqualTo(20_000);
        assertThat(store.lease(b.address)).contains(inDays(64));
        assertThat(listener.added).hasSize(1);
        reopen();
        assertThat(store.lease(b.address)).contains(inDays(64));
        assertThat(b(b)).isEqualTo(b.bytes);
    }

    @Test
    void manyConcurrentWritersAndReaders() throws Exception {
        int threads = 8;
        int perThread = 60;
        List<List<Blocks>> byThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Blocks> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(Blocks.random(random, 500 + random.nextInt(5000)));
            }
            byThread.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<Blocks> mine : byThread) {
                done.add(pool.submit(() -> {
                    for (Blocks b : mine) {
                        store.put(b.address, b.buffer(), Lease.NEVER);
                        assertThat(b.readFrom(store)).isEqualTo(b.bytes);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.blockCount()).as("seed %d", SEED).isEqualTo(threads * perThread);
        reopen();
        for (List<Blocks> mine : byThread) {
            for (Blocks b : mine) {
                assertThat(b(b)).as("seed %d", SEED).isEqualTo(b.bytes);
            }
        }
        List<Address> inventory = new ArrayList<>();
        store.forEachAddress(inventory::add);
        assertThat(inventory).hasSize(threads * perThread);
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> TestStores.open(dir, clock)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();
        Blocks b = Blocks.random(random, 10);
        assertThatThrownBy(() -> store.put(b.address, b.buffer(), Lease.NEVER)).isInstanceOf(CairnException.class);
        open();
    }

    @Test
    void theFactoryOpensTheSegmentStore() throws Exception {
        store.close();
        try (BlockStore s = BlockStores.open(new StoreConfig(dir, 0, clock))) {
            assertThat(s).isInstanceOf(SegmentBlockStore.class);
        }
        open();
    }
}
