package io.cairn.node.http;

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

class BodyBuffersTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    private static long address(BodyBuffers.Body body) {
        return MemorySegment.ofBuffer(body.bytes()).address();
    }

    @Test
    void sizesGoToTheSmallestPowerOfTwoClassFrom64KiB() {
        assertThat(BodyBuffers.classOf(0)).isEqualTo(16);
        assertThat(BodyBuffers.classOf(1)).isEqualTo(16);
        assertThat(BodyBuffers.classOf(64 * KIB)).isEqualTo(16);
        assertThat(BodyBuffers.classOf(64 * KIB + 1)).isEqualTo(17);
        assertThat(BodyBuffers.classOf(4 * MIB)).isEqualTo(22);
        assertThat(BodyBuffers.classOf(4 * MIB + 1)).isEqualTo(23);
        assertThat(BodyBuffers.classOf(Integer.MAX_VALUE)).isEqualTo(31);
    }

    @Test
    void aBodyIsDirectWithExactlyTheAskedLimitAndIsReusedWhenClosed() {
        BodyBuffers pool = new BodyBuffers(8 * MIB, 8 * MIB);
        BodyBuffers.Body first = pool.acquire(100_000);
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

        try (BodyBuffers.Body again = pool.acquire(70_000)) { // the same class
            assertThat(address(again)).isEqualTo(memory);
            assertThat(again.bytes().limit()).isEqualTo(70_000);
            assertThat(pool.pooledBytes()).isZero();
        }
        try (BodyBuffers.Body other = pool.acquire(10)) { // another class: fresh memory
            assertThat(address(other)).isNotEqualTo(memory);
        }
    }

    @Test
    void pastTheLendingBoundTheCallerIsToldToUseTheHeap() {
        BodyBuffers pool = new BodyBuffers(4 * MIB, 3 * MIB);
        BodyBuffers.Body a = pool.acquire(2 * MIB);
        assertThat(a).isNotNull();
        assertThat(pool.acquire(2 * MIB)).isNull();
        BodyBuffers.Body b = pool.acquire(MIB);
        assertThat(b).isNotNull();
        assertThat(pool.acquire(1)).isNull();
        assertThat(pool.acquire(Integer.MAX_VALUE)).isNull();
        a.close();
        assertThat(pool.acquire(2 * MIB)).isNotNull();
        b.close();
    }

    @Test
    void whatIsGivenBackPastThePoolingBoundIsFreedAndItsMemoryUnusable() {
        BodyBuffers pool = new BodyBuffers(MIB, 16 * MIB);
        BodyBuffers.Body kept = pool.acquire(MIB);
        BodyBuffers.Body freed = pool.acquire(MIB);
        var stale = freed.bytes();
        kept.close();
        freed.close();
        assertThat(pool.pooledBytes()).isEqualTo(MIB);
        assertThat(pool.lentBytes()).isZero();
        assertThatThrownBy(() -> stale.get(0)).isInstanceOf(IllegalStateException.class); // its arena is closed
    }

    @Test
    void aHeapBodyWrapsItsArrayAndReturnsNothing() {
        byte[] bytes = {1, 2, 3};
        try (BodyBuffers.Body body = BodyBuffers.Body.heap(bytes)) {
            assertThat(body.pooled()).isFalse();
            assertThat(body.bytes().isDirect()).isFalse();
            assertThat(body.bytes().remaining()).isEqualTo(3);
        }
    }

    @Test
    void negativeSizesAreRefused() {
        assertThatThrownBy(() -> new BodyBuffers(MIB, MIB).acquire(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentBorrowersNeverShareMemoryAndTheAccountsBalance() throws Exception {
        long seed = 0xb0d1e5L;
        BodyBuffers pool = new BodyBuffers(4 * MIB, 12 * MIB);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        int size = 1 + random.nextInt(2 * MIB);
                        try (BodyBuffers.Body body = pool.acquire(size)) {
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
