package io.cairn.node.http;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct memory for request bodies that a route reads whole and lets go of before it answers
 * (write batches, {@code POST /blocks}), reused from one request to the next.
 *
 * <p>Why: a write batch of up to 4 MiB read into a fresh {@code byte[]} is a humongous object in
 * a node's 256 MiB heap (G1's regions are 1 MiB there): zeroed when allocated, copied into once
 * more by the stream that fills it, and each one starts a concurrent GC cycle. A 1 GiB put into
 * five nodes in one JVM ran 28 concurrent cycles and 0.24 s of pauses (docs/BENCHMARKS.md,
 * "Eighth session"). A pooled direct buffer is filled straight from the connection's chunks, is
 * hashed in place by libcrypto, and costs the heap nothing.
 *
 * <p>Sizes: power-of-two classes from {@link #MIN_CLASS_BYTES} up; a body takes the smallest class
 * that holds it. Bounds, for the whole process (all nodes of a {@code cairn up} share it): at most
 * {@code maxLentBytes} are lent at once; past that {@link #acquire} answers null and the caller
 * reads into the heap as before, so many slow senders declaring large bodies cannot exhaust
 * direct memory (which {@code -Xmx256m} also caps at 256 MiB). At most {@code maxPooledBytes} stay
 * pooled when returned; the rest is freed at once (each buffer has its own arena).
 *
 * <p>Thread-safe; one lock, held for a deque operation.
 */
public final class BodyBuffers {
    static final int MIN_CLASS_BYTES = 64 * 1024;
    private static final int MIN_CLASS = 31 - Integer.numberOfLeadingZeros(MIN_CLASS_BYTES);

    /** The process's pool: 32 MiB kept, 96 MiB lent at most. */
    public static final BodyBuffers SHARED = new BodyBuffers(32L << 20, 96L << 20);

    private final long maxPooledBytes;
    private final long maxLentBytes;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Slab>[] free = new ArrayDeque[32];
    private long pooledBytes;
    private long lentBytes;

    /** One direct buffer and the arena that frees it. */
    private record Slab(Arena arena, ByteBuffer buffer) {}

    BodyBuffers(long maxPooledBytes, long maxLentBytes) {
        this.maxPooledBytes = maxPooledBytes;
        this.maxLentBytes = maxLentBytes;
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** A body of {@code bytes}: limit {@code bytes}, position 0. Null when the lending bound is reached. */
    Body acquire(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size");
        }
        int cls = classOf(bytes);
        long capacity = 1L << cls;
        Slab slab;
        synchronized (this) {
            if (lentBytes + capacity > maxLentBytes) {
                return null;
            }
            lentBytes += capacity;
            slab = free[cls].pollFirst();
            if (slab != null) {
                pooledBytes -= capacity;
            }
        }
        if (slab == null) {
            try {
                Arena arena = Arena.ofShared();
                slab = new Slab(arena, arena.allocate(capacity, 4096).asByteBuffer());
            } catch (OutOfMemoryError e) { // direct memory exhausted by others: the heap path
                synchronized (this) {
                    lentBytes -= capacity;
                }
                return null;
            }
        }
        return new Body(this, cls, slab, slab.buffer().duplicate().clear().limit(bytes));
    }

    private void release(int cls, Slab slab) {
        long capacity = 1L << cls;
        synchronized (this) {
            lentBytes -= capacity;
            if (pooledBytes + capacity <= maxPooledBytes) {
                pooledBytes += capacity;
                free[cls].addFirst(slab); // the most recently used is the warmest in the caches
                return;
            }
        }
        slab.arena().close();
    }

    /** Bytes lent out now (for tests and metrics). */
    public synchronized long lentBytes() {
        return lentBytes;
    }

    /** Bytes kept for reuse now. */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    static int classOf(int bytes) {
        if (bytes <= MIN_CLASS_BYTES) {
            return MIN_CLASS;
        }
        return 32 - Integer.numberOfLeadingZeros(bytes - 1);
    }

    /**
     * A request body held in memory: direct from the pool, or a heap array when the pool lent
     * all it may. {@link #close} gives pooled memory back; the bytes must not be used after.
     */
    public static final class Body implements AutoCloseable {
        private final BodyBuffers pool;
        private final int cls;
        private Slab slab;
        private final ByteBuffer bytes;

        private Body(BodyBuffers pool, int cls, Slab slab, ByteBuffer bytes) {
            this.pool = pool;
            this.cls = cls;
            this.slab = slab;
            this.bytes = bytes;
        }

        /** A body read into the heap (not pooled). */
        static Body heap(byte[] bytes) {
            return new Body(null, 0, null, ByteBuffer.wrap(bytes));
        }

        /** The body's bytes: position 0, limit its length. Valid until {@link #close}. */
        public ByteBuffer bytes() {
            return bytes;
        }

        boolean pooled() {
            return slab != null;
        }

        @Override
        public void close() {
            Slab s = slab;
            if (s != null) {
                slab = null;
                pool.release(cls, s);
            }
        }
    }
}
