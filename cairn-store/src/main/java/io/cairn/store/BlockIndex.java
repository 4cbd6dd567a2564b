package io.cairn.store;

import io.cairn.core.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where every stored block lives: address prefix to (segment, offset, length, lease).
 *
 * <p>Why this layout: the index must hold millions of entries in at most 64 bytes each (issue
 * #2), which rules out {@code HashMap<Address, ...>} (an entry, a key object, its array and a
 * value object cost about 150 bytes). So the table is open addressing over parallel primitive
 * arrays: two longs for the first 16 bytes of the address, a long for the lease and three ints for
 * segment, offset and length, 36 bytes a slot and no object per entry. The other 16 address bytes
 * stay on disk in the record header; callers confirm a hit by reading it ({@link #candidates}
 * therefore returns every entry sharing the 16-byte prefix, usually none or one).
 *
 * <p>Sharding: 256 shards by the first address byte, each with its own lock and its own arrays.
 * Locks are striped so writers of different blocks rarely meet, and a shard grows on its own, so
 * growth copies 1/256 of the table at a time and never doubles the whole heap. Capacities are
 * not powers of two: a shard grows by 25% when it passes 85% load, so the load stays between 68%
 * and 85% and a slot costs at most 36 / 0.68 = 53 bytes per block. The slot of a key is
 * {@code (mix(key) * capacity) >>> 32} (Lemire's multiply-shift range reduction), which works for
 * any capacity; the mix takes a per-store seed so that clients grinding addresses cannot pile
 * their blocks into one probe run.
 *
 * <p>Probing is linear; deletion shifts later entries of the run back (Knuth's algorithm R) so
 * there are no tombstones and lookups never degrade with churn. Invariant: every entry sits in
 * the contiguous run of occupied slots that starts at its home slot. A slot is empty when its
 * segment is 0; segment ids start at 1.
 *
 * <p>Thread safety: every method locks the key's shard; callers that need several steps to be
 * atomic (look up, append to the log, update) hold {@link #lockFor} around them (the lock is
 * reentrant). Lock order: shard lock, then the log's append lock, never the reverse.
 */
final class BlockIndex {
    static final int SHARDS = 256;
    private static final double MAX_LOAD = 0.85;
    private static final int INITIAL_CAPACITY = 16;

    /** One entry, copied out of the arrays. */
    record Location(int segment, int offset, int length, long lease) {}

    /** Receives entries during {@link #forEachInShard}; must not call back into the index. */
    interface EntryVisitor {
        void visit(long k0, long k1, int segment, int offset, int length, long lease);
    }

    private final Shard[] shards = new Shard[SHARDS];
    private final long seed;

    BlockIndex(long seed) {
        this.seed = seed;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    static long k0(Address a) {
        return a.longAt(0);
    }

    static long k1(Address a) {
        return a.longAt(1);
    }

    private Shard shard(long k0) {
        return shards[(int) (k0 >>> 56)];
    }

    ReentrantLock lockFor(long k0) {
        return shard(k0).lock;
    }

    /** Every entry whose address starts with these 16 bytes. */
    List<Location> candidates(long k0, long k1) {
        Shard s = shard(k0);
        s.lock.lock();
        try {
            List<Location> found = List.of();
            for (int i = s.home(k0, k1, seed); s.segment[i] != 0; i = s.next(i)) {
                if (s.k0[i] == k0 && s.k1[i] == k1) {
                    Location loc = new Location(s.segment[i], s.offset[i], s.length[i], s.lease[i]);
                    if (found.isEmpty()) {
                        found = List.of(loc);
                    } else {
                        found = new ArrayList<>(found);
                        found.add(loc);
                    }
                }
            }
            return found;
        } finally {
            s.lock.unlock();
        }
    }

    /** Adds an entry; the caller has made sure the exact address is not yet in the index. */
    void insert(long k0, long k1, int segment, int offset, int length, long lease) {
        if (segment <= 0) {
            throw new IllegalArgumentException("segment ids start at 1, got " + segment);
        }
        Shard s = shard(k0);
        s.lock.lock();
        try {
            if (s.size + 1 > (long) (s.capacity() * MAX_LOAD)) {
                s.resize(Math.max(INITIAL_CAPACITY, s.capacity() + s.capacity() / 4), seed);
            }
            s.put(s.home(k0, k1, seed), k0, k1, segment, offset, length, lease);
            s.size++;
        } finally {
            s.lock.unlock();
        }
    }

    /** Removes the entry at this location; null when there is none. */
    Location remove(long k0, long k1, int segment, int offset) {
        Shard s = shard(k0);
        s.lock.lock();
        try {
            int i = s.find(k0, k1, segment, offset, seed);
            if (i < 0) {
                return null;
            }
            Location removed = new Location(segment, offset, s.length[i], s.lease[i]);
            s.deleteAt(i, seed);
            s.size--;
            return removed;
        } finally {
            s.lock.unlock();
        }
    }

    /** Sets the lease of the entry at this location; false when there is none. */
    boolean setLease(long k0, long k1, int segment, int offset, long lease) {
        Shard s = shard(k0);
        s.lock.lock();
        try {
            int i = s.find(k0, k1, segment, offset, seed);
            if (i >= 0) {
                s.lease[i] = lease;
            }
            return i >= 0;
        } finally {
            s.lock.unlock();
        }
    }

    /** Points the entry at a new location (a compaction copy); false when there is none. */
    boolean relocate(long k0, long k1, int segment, int offset, int newSegment, int newOffset) {
        Shard s = shard(k0);
        s.lock.lock();
        try {
            int i = s.find(k0, k1, segment, offset, seed);
            if (i >= 0) {
                s.segment[i] = newSegment;
                s.offset[i] = newOffset;
            }
            return i >= 0;
        } finally {
            s.lock.unlock();
        }
    }

    /** Visits every entry of one shard under its lock. */
    void forEachInShard(int shard, EntryVisitor visitor) {
        Shard s = shards[shard];
        s.lock.lock();
        try {
            for (int i = 0; i < s.capacity(); i++) {
                if (s.segment[i] != 0) {
                    visitor.visit(s.k0[i], s.k1[i], s.segment[i], s.offset[i], s.length[i], s.lease[i]);
                }
            }
        } finally {
            s.lock.unlock();
        }
    }

    long size() {
        long n = 0;
        for (Shard s : shards) {
            n += s.size; // a racy sum is fine: it is a count for reports
        }
        return n;
    }

    /** Exact bytes held by the arrays (36 per slot), for the heap measurement. */
    long arrayBytes() {
        long slots = 0;
        for (Shard s : shards) {
            slots += s.capacity();
        }
        return slots * Shard.BYTES_PER_SLOT;
    }

    /** One shard: parallel arrays, a slot is empty when segment[slot] == 0. */
    private static final class Shard {
        static final int BYTES_PER_SLOT = 8 + 8 + 8 + 4 + 4 + 4;
        final ReentrantLock lock = new ReentrantLock();
        long[] k0 = new long[INITIAL_CAPACITY];
        long[] k1 = new long[INITIAL_CAPACITY];
        long[] lease = new long[INITIAL_CAPACITY];
        int[] segment = new int[INITIAL_CAPACITY];
        int[] offset = new int[INITIAL_CAPACITY];
        int[] length = new int[INITIAL_CAPACITY];
        int size;

        int capacity() {
            return segment.length;
        }

        int home(long a, long b, long seed) {
            long h = (a ^ seed) * 0x9E3779B97F4A7C15L + b;
            h ^= h >>> 33;
            h *= 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
            return (int) (((h >>> 32) * capacity()) >>> 32);
        }

        int next(int i) {
            return i + 1 == capacity() ? 0 : i + 1;
        }

        int find(long a, long b, int seg, int off, long seed) {
            for (int i = home(a, b, seed); segment[i] != 0; i = next(i)) {
                if (segment[i] == seg && offset[i] == off && k0[i] == a && k1[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        void put(int from, long a, long b, int seg, int off, int len, long l) {
            int i = from;
            while (segment[i] != 0) {
                i = next(i);
            }
            k0[i] = a;
            k1[i] = b;
            segment[i] = seg;
            offset[i] = off;
            length[i] = len;
            lease[i] = l;
        }

        /** Knuth's algorithm R: pull later entries of the run back over the hole. */
        void deleteAt(int hole, long seed) {
            int i = hole;
            for (int j = next(i); segment[j] != 0; j = next(j)) {
                int h = home(k0[j], k1[j], seed);
                boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
                if (!stays) {
                    move(j, i);
                    i = j;
                }
            }
            segment[i] = 0;
        }

        private void move(int from, int to) {
            k0[to] = k0[from];
            k1[to] = k1[from];
            segment[to] = segment[from];
            offset[to] = offset[from];
            length[to] = length[from];
            lease[to] = lease[from];
        }

        void resize(int newCapacity, long seed) {
            long[] oldK0 = k0;
            long[] oldK1 = k1;
            long[] oldLease = lease;
            int[] oldSegment = segment;
            int[] oldOffset = offset;
            int[] oldLength = length;
            k0 = new long[newCapacity];
            k1 = new long[newCapacity];
            lease = new long[newCapacity];
            segment = new int[newCapacity];
            offset = new int[newCapacity];
            length = new int[newCapacity];
            for (int i = 0; i < oldSegment.length; i++) {
                if (oldSegment[i] != 0) {
                    put(home(oldK0[i], oldK1[i], seed), oldK0[i], oldK1[i], oldSegment[i], oldOffset[i], oldLength[i], oldLease[i]);
                }
            }
        }
    }
}
