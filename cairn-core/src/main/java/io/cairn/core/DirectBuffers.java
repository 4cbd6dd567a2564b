package io.cairn.core;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct memory for the bodies of write batches, lent and given back from one request to the
 * next: the node reads a {@code POST /blocks} body into it, the client builds one in it.
 *
 * <p>Why: a batch of up to 4 MiB in a fresh {@code byte[]} is a humongous object in a node's
 * 256 MiB heap (G1's regions are 1 MiB there): zeroed when allocated, filled by one more copy from
 * the stream that reads it, and each one starts a concurrent GC cycle. A 1 GiB put into five nodes
 * in one JVM ran 0.4 s of GC pauses that way, and 0.05 s with pooled direct bodies
 * (docs/BENCHMARKS.md, "Eighth session"). A direct body is filled straight from the connection's
 * buffers and hashed in place by libcrypto. On the client's side a heap body is copied once more
 * by the JDK into a temporary direct buffer at every socket write; a direct one goes to the socket
 * as it is.
 *
 * <p>Sizes: power-of-two classes from {@link #MIN_CLASS_BYTES} up; a body takes the smallest
 * class that holds it. Bounds, for the whole process (all nodes of a {@code cairn up} and a client
 * in the same JVM share {@link #SHARED}): at most {@code maxLentBytes} are lent at once; past that
 * {@link #acquire} answers null and the caller uses the heap, so many slow senders declaring large
 * bodies cannot exhaust direct memory (which {@code -Xmx256m} also caps at 256 MiB). At most
 * {@code maxPooledBytes} stay pooled when given back; the rest is left to the garbage collector
 * (each buffer comes from an automatic arena), as is a body {@link Lent#abandon abandoned} by a
 * caller that cannot be sure no one still reads it (a send that failed halfway).
 *
 * <p>Thread-safe; one lock, held for a deque operation.
 */
public final class DirectBuffers {
    static final int MIN_CLASS_BYTES = 64 * 1024;
    private static final int MIN_CLASS = 31 - Integer.numberOfLeadingZeros(MIN_CLASS_BYTES);

    /** The process's pool: 64 MiB lent at most, 32 MiB kept: at most 96 MiB of direct memory in all. */
    public static final DirectBuffers SHARED = new DirectBuffers(32L << 20, 64L << 20);

    private final long maxPooledBytes;
    private final long maxLentBytes;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuffer>[] free = new ArrayDeque[32];
    private long pooledBytes;
    private long lentBytes;

    DirectBuffers(long maxPooledBytes, long maxLentBytes) {
        this.maxPooledBytes = maxPooledBytes;
        this.maxLentBytes = maxLentBytes;
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** {@code bytes} of direct memory: limit {@code bytes}, position 0. Null when the lending bound is reached. */
    public Lent acquire(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size");
        }
        int cls = classOf(bytes);
        long capacity = 1L << cls;
        ByteBuffer buffer;
        synchronized (this) {
            if (lentBytes + capacity > maxLentBytes) {
                return null;
            }
            lentBytes += capacity;
            buffer = free[cls].pollFirst();
            if (buffer != null) {
                pooledBytes -= capacity;
            }
        }
        if (buffer == null) {
            try {
                buffer = Arena.ofAuto().allocate(capacity, 4096).asByteBuffer();
            } catch (OutOfMemoryError e) { // direct memory exhausted by others: the heap path
                synchronized (this) {
                    lentBytes -= capacity;
                }
                return null;
            }
        }
        return new Lent(this, cls, buffer, buffer.duplicate().clear().limit(bytes));
    }

    private void giveBack(int cls, ByteBuffer buffer, boolean reuse) {
        long capacity = 1L << cls;
        synchronized (this) {
            lentBytes -= capacity;
            if (reuse && pooledBytes + capacity <= maxPooledBytes) {
                pooledBytes += capacity;
                free[cls].addFirst(buffer); // the most recently used is the warmest in the caches
            }
        }
    }

    /** Bytes lent out now. */
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
     * Memory lent by the pool, or a heap array in its place ({@link #heap}) when the pool lent all
     * it may. {@link #close} gives it back for reuse: its bytes must not be touched after that.
     */
    public static final class Lent implements AutoCloseable {
        private final DirectBuffers pool;
        private final int cls;
        private ByteBuffer buffer;
        private final ByteBuffer bytes;

        private Lent(DirectBuffers pool, int cls, ByteBuffer buffer, ByteBuffer bytes) {
            this.pool = pool;
            this.cls = cls;
            this.buffer = buffer;
            this.bytes = bytes;
        }

        /** Heap bytes in the shape of a loan (nothing to give back). */
        public static Lent heap(byte[] bytes) {
            return new Lent(null, 0, null, ByteBuffer.wrap(bytes));
        }

        /** The bytes: position 0 and limit as asked when lent. Valid until {@link #close}. */
        public ByteBuffer bytes() {
            return bytes;
        }

        public boolean pooled() {
            return buffer != null;
        }

        /** Gives the memory back for reuse. Idempotent. */
        @Override
        public void close() {
            end(true);
        }

        /**
         * Gives up the loan without letting anyone reuse the memory, which the garbage collector
         * frees once nothing refers to it: for bytes that someone may still be reading. Idempotent.
         */
        public void abandon() {
            end(false);
        }

        private void end(boolean reuse) {
            ByteBuffer b = buffer;
            if (b != null) {
                buffer = null;
                pool.giveBack(cls, b, reuse);
            }
        }
    }
}
