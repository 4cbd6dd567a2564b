package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DirectBuffersTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    private static long address(DirectBuffers.Lent body) {
        return MemorySegment.ofBuffer(body.bytes()).address();
    }

    @Test
    void sizesGoToTheSmallestPowerOfTwoClassFrom64KiB() {
        assertThat(DirectBuffers.classOf(0)).isEqualTo(16);
        assertThat(DirectBuffers.classOf(1)).isEqualTo(16);
        assertThat(DirectBuffers.classOf(64 * KIB)).isEqualTo(16);
        assertThat(DirectBuffers.classOf(64 * KIB + 1)).isEqualTo(17);
        assertThat(DirectBuffers.classOf(4 * MIB)).isEqualTo(22);
        assertThat(DirectBuffers.classOf(4 * MIB + 1)).isEqualTo(23);
        assertThat(DirectBuffers.classOf(Integer.MAX_VALUE)).isEqualTo(31);
    }

    @Test
    void aBodyIsDirectWithExactlyTheAskedLimitAndIsReusedWhenClosed() {
        DirectBuffers pool = new DirectBuffers(8 * MIB, 8 * MIB);
        DirectBuffers.Lent first = pool.acquire(100_000);
        assertThat(first.pooled()).isTrue();
        assertThat(first.bytes().isDirect()).isTrue();
        assertThat(first.bytes().position()).isZero();
        assertThat(first.bytes().limit()).isEqualTo(100_000);
        assertThat(pool.lentBytes()).isEqualTo(128 * KIB);
        long memory = address(first);
        first.close();
        first.close(); // twice is harmless
        assertThat(pool.lentBytes()).isZero();
        assertThat(pool.pooledBytes()).isEqualTo(128 * KIB);

        try (DirectBuffers.Lent again = pool.acquire(70_000)) { // the same class
            assertThat(address(again)).isEqualTo(memory);
            assertThat(again.bytes().limit()).isEqualTo(70_000);
            assertThat(pool.pooledBytes()).isZero();
        }
        try (DirectBuffers.Lent other = pool.acquire(10)) { // another class: fresh memory
            assertThat(address(other)).isNotEqualTo(memory);
        }
    }

    @Test
    void pastTheLendingBoundTheCallerIsToldToUseTheHeap() {
        DirectBuffers pool = new DirectBuffers(4 * MIB, 3 * MIB);
        DirectBuffers.Lent a = pool.acquire(2 * MIB);
        assertThat(a).isNotNull();
        assertThat(pool.acquire(2 * MIB)).isNull();
        DirectBuffers.Lent b = pool.acquire(MIB);
        assertThat(b).isNotNull();
        assertThat(pool.acquire(1)).isNull();
        assertThat(pool.acquire(Integer.MAX_VALUE)).isNull();
        a.close();
        assertThat(pool.acquire(2 * MIB)).isNotNull();
        b.close();
    }

    @Test
    void whatIsGivenBackPastThePoolingBoundOrAbandonedIsNotReused() {
        DirectBuffers pool = new DirectBuffers(MIB, 16 * MIB);
        DirectBuffers.Lent kept = pool.acquire(MIB);
        DirectBuffers.Lent dropped = pool.acquire(MIB);
        long keptMemory = address(kept);
        long droppedMemory = address(dropped);
        kept.close();
        dropped.close();
        assertThat(pool.pooledBytes()).isEqualTo(MIB);
        assertThat(pool.lentBytes()).isZero();

        DirectBuffers.Lent again = pool.acquire(MIB);
        assertThat(address(again)).isEqualTo(keptMemory);
        again.abandon(); // someone may still read it: never lent again
        again.close();
        assertThat(pool.lentBytes()).isZero();
        assertThat(pool.pooledBytes()).isZero();
        try (DirectBuffers.Lent fresh = pool.acquire(MIB)) {
            assertThat(address(fresh)).isNotIn(keptMemory, droppedMemory);
        }
    }

    @Test
    void aHeapBodyWrapsItsArrayAndReturnsNothing() {
        byte[] bytes = {1, 2, 3};
        try (DirectBuffers.Lent body = DirectBuffers.Lent.heap(bytes)) {
            assertThat(body.pooled()).isFalse();
            assertThat(body.bytes().isDirect()).isFalse();
            assertThat(body.bytes().remaining()).isEqualTo(3);
        }
    }

    @Test
    void negativeSizesAreRefused() {
        assertThatThrownBy(() -> new DirectBuffers(MIB, MIB).acquire(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentBorrowersNeverShareMemoryAndTheAccountsBalance() throws Exception {
        long seed = 0xb0d1e5L;
        DirectBuffers pool = new DirectBuffers(4 * MIB, 12 * MIB);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        int size = 1 + random.nextInt(2 * MIB);
                        try (DirectBuffers.Lent body = pool.acquire(size)) {
                            if (body == null) {
                                continue; // over the bound: a caller would read into the heap
                            }
                            byte mark = (byte) random.nextInt();
                            var bytes = body.bytes();
                            bytes.put(0, mark).put(size - 1, mark);
                            Thread.yield();
                            assertThat(bytes.get(0)).as("seed %d", seed).isEqualTo(mark);
                            assertThat(bytes.get(size - 1)).as("seed %d", seed).isEqualTo(mark);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(pool.lentBytes()).as("seed %d", seed).isZero();
        assertThat(pool.pooledBytes()).as("seed %d", seed).isBetween(0L, 4L * MIB);
    }
}
