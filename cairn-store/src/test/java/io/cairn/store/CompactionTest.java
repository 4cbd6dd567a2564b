package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Lease;
import java.io.IOException;
import java.nio.file.Files;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
    private static final long SEED = 4242;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final long STEP_BYTES = 16 * 1024;

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);

    private static long diskBytes(Path dir) throws IOException {
        long sum = 0;
        for (Path p : TestStores.segmentFiles(dir)) {
            sum += Files.size(p);
        }
        return sum;
    }

    /** Runs bounded steps until there is nothing to do; returns the number of segments deleted. */
    private static int compactFully(BlockStore store) {
        int deleted = 0;
        for (int call = 0; call < 10_000; call++) {
            BlockStore.CompactionReport r = store.compact(STEP_BYTES);
            if (!r.busy()) {
                return deleted;
            }
            assertThat(r.bytesScanned()).as("a step is bounded").isLessThanOrEqualTo(STEP_BYTES + SegmentRecord.HEADER_BYTES + 3000);
            assertThat(r.bytesScanned()).as("a step makes progress").isPositive();
            deleted += r.segmentsDeleted();
        }
        throw new AssertionError("compaction did not finish in 10,000 steps, seed " + SEED);
    }

    @Test
    void reclaimsGarbageKeepsLiveBlocksAndDeletesStayDeleted() throws IOException {
        List<Blocks> kept = new ArrayList<>();
        List<Blocks> deleted = new ArrayList<>();
        long diskBefore;
        try (var store = TestStores.open(dir, clock)) {
            for (int i = 0; i < 300; i++) {
                Blocks b = Blocks.random(random, 1000 + random.nextInt(2000));
                store.put(b.address, b.buffer(), Lease.until(T0.plus(Duration.ofDays(1 + i))));
                // keep all of the first 40 (their segments stay dense, so the tombstones that
                // follow must be kept by compaction) and one in five afterwards
                (i < 40 || i % 5 == 0 ? kept : deleted).add(b);
            }
            for (Blocks b : deleted) {
                store.delete(b.address);
            }
            store.renew(kept.get(0).address, Lease.NEVER);
            diskBefore = diskBytes(dir);
            assertThat(compactFully(store)).isPositive();
            assertThat(diskBytes(dir)).as("seed %d", SEED).isLessThan(diskBefore / 2);
            assertLive(store, kept, deleted);
            assertThat(compactFully(store)).as("a second pass finds nothing").isZero();
        }
        try (var store = TestStores.open(dir, clock)) {
            assertLive(store, kept, deleted);
            assertThat(store.lease(kept.get(0).address)).contains(Lease.NEVER);
            assertThat(store.space().usedBytes()).isEqualTo(kept.stream().mapToLong(b -> b.bytes.length).sum());
        }
    }

    private void assertLive(BlockStore store, List<Blocks> kept, List<Blocks> deleted) {
        for (Blocks b : kept) {
            assertThat(b.readFrom(store)).as("seed %d", SEED).isEqualTo(b.bytes);
        }
        for (int i = 1; i < kept.size(); i++) {
            int index = i < 40 ? i : 40 + (i - 40) * 5;
            assertThat(store.lease(kept.get(i).address)).as("seed %d kept %d", SEED, i).contains(Lease.until(T0.plus(Duration.ofDays(1 + index))));
        }
        for (Blocks b : deleted) {
            assertThat(store.contains(b.address)).as("seed %d", SEED).isFalse();
        }
        assertThat(store.blockCount()).isEqualTo(kept.size());
    }

    @Test
    void expiredBlocksAreReclaimedAndRenewedLeasesSurviveCompactionAndRestart() throws IOException {
        List<Blocks> all = new ArrayList<>();
        try (var store = TestStores.open(dir, clock)) {
            for (int i = 0; i < 200; i++) {
                Blocks b = Blocks.random(random, 2000);
                store.put(b.address, b.buffer(), Lease.until(T0.plus(Duration.ofDays(1))));
                all.add(b);
            }
            for (int i = 0; i < all.size(); i += 10) {
                store.renew(all.get(i).address, Lease.until(T0.plus(Duration.ofDays(90))));
            }
            store.sync();
            clock.advance(Duration.ofDays(2));
            assertThat(store.expire(clock.now())).isEqualTo(180);
            long before = diskBytes(dir);
            compactFully(store);
            assertThat(diskBytes(dir)).isLessThan(before / 3);
        }
        try (var store = TestStores.open(dir, clock)) {
            assertThat(store.blockCount()).isEqualTo(20);
            for (int i = 0; i < all.size(); i += 10) {
                assertThat(store.lease(all.get(i).address)).as("seed %d block %d", SEED, i).contains(Lease.until(T0.plus(Duration.ofDays(90))));
                assertThat(all.get(i).readFrom(store)).isEqualTo(all.get(i).bytes);
            }
        }
    }

    @Test
    void compactionRunsAlongsideWritersReadersAndDeleters() throws Exception {
        List<Blocks> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var store = TestStores.open(dir, clock)) {
            List<Blocks> churn = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Blocks b = Blocks.random(random, 1500);
                store.put(b.address, b.buffer(), Lease.NEVER);
                (i % 4 == 0 ? kept : churn).add(b);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            AtomicBoolean stop = new AtomicBoolean();
            try {
                Future<?> deleter = pool.submit(() -> churn.forEach(b -> store.delete(b.address)));
                Future<?> writer = pool.submit(() -> {
                    Random r = new Random(SEED + 1);
                    for (int i = 0; i < 150; i++) {
                        Blocks b = Blocks.random(r, 1500);
                        store.put(b.address, b.buffer(), Lease.NEVER);
                        kept.add(b);
                    }
                });
                Future<?> reader = pool.submit(() -> {
                    for (int round = 0; round < 20 && !stop.get(); round++) {
                        for (Blocks b : kept) {
                            assertThat(b.readFrom(store)).as("seed %d", SEED).isEqualTo(b.bytes);
                        }
                    }
                });
                for (int call = 0; call < 5000 && !(deleter.isDone() && writer.isDone()); call++) {
                    store.compact(STEP_BYTES);
                }
                deleter.get(60, TimeUnit.SECONDS);
                writer.get(60, TimeUnit.SECONDS);
                compactFully(store);
                stop.set(true);
                reader.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.blockCount()).isEqualTo(kept.size());
        }
        try (var store = TestStores.open(dir, clock)) {
            assertThat(store.blockCount()).isEqualTo(kept.size());
            for (Blocks b : kept) {
                assertThat(b.readFrom(store)).as("seed %d", SEED).isEqualTo(b.bytes);
            }
        }
    }
}
