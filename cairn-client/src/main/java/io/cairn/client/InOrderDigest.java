package io.cairn.client;

import io.cairn.core.Address;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SHA-256 of a file whose chunks arrive in any order: each chunk is offered with its order,
 * and the digest consumes chunks strictly in order, holding back those that came early.
 *
 * <p>Why: a download used to write every chunk, then read the whole file back to hash it, a
 * second pass over every byte after the transfer had finished (issue #8). Hashing in order while
 * the transfer runs overlaps that work with the network and needs no re-read. Memory stays
 * bounded because the caller releases a chunk's window slot only when it has been consumed
 * ({@link #offer} says how many were), so at most the window's worth of chunks is ever held.
 * Thread-safe; the hashing happens on whichever thread delivers the chunk that was next due.
 */
final class InOrderDigest {
    private final MessageDigest sha = Address.sha256();
    private final Map<Integer, ByteBuffer> early = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private int next;
    private long bytes;

    /** Offers chunk number {@code order} (from 0); returns how many chunks were consumed by this call. */
    int offer(int order, ByteBuffer chunk) {
        lock.lock();
        try {
            if (order < next || early.containsKey(order)) {
                throw new IllegalStateException("chunk " + order + " offered twice");
            }
            early.put(order, chunk.duplicate());
            int consumed = 0;
            for (ByteBuffer due; (due = early.remove(next)) != null; next++, consumed++) {
                bytes += due.remaining();
                sha.update(due);
            }
            return consumed;
        } finally {
            lock.unlock();
        }
    }

    int offer(int order, byte[] chunk) {
        return offer(order, ByteBuffer.wrap(chunk));
    }

    /** How many chunks have been consumed, in order. */
    int consumed() {
        lock.lock();
        try {
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes consumed so far. */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** The digest of everything consumed; call once, after the last chunk. */
    byte[] digest() {
        lock.lock();
        try {
            if (!early.isEmpty()) {
                throw new IllegalStateException(early.size() + " chunks are still waiting for an earlier one");
            }
            return sha.digest();
        } finally {
            lock.unlock();
        }
    }
}
