package io.cairn.core.repair;

import io.cairn.core.Address;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who holds which block, as the distribute service believes it: address → set of holder indexes
 * (small integers handed out by the caller, one per storage node, 0..65534).
 *
 * <p>Layout, for memory: 256 shards chosen by the address's first byte, each an open-addressing
 * table with linear probing over parallel primitive arrays: the address as four longs (32 bytes)
 * and the holders packed into two longs, eight 16-bit slots holding {@code index + 1} (0 = empty).
 * That is 48 bytes a block at full load; shards grow by 1.5x at 3/4 load, so the average is about
 * 64 bytes a block, about 21 bytes a block-replica with three replicas. A block with more than
 * eight holders (rare: over-replication during moves) keeps the extra ones in a small overflow map.
 * Deletion uses backward-shift (no tombstones), so a table that shrinks stays fast.
 *
 * <p>Addresses are SHA-256 values, already uniform, so bytes 8..15 serve directly as the hash.
 * Each shard has its own lock, so ingestion from many storage nodes proceeds in parallel.
 */
public final class HoldingsTable {
    public static final int MAX_HOLDER_INDEX = 65534;
    private static final int SLOTS = 8;
    private static final int INITIAL_CAPACITY = 64;

    private final Shard[] shards = new Shard[256];

    public HoldingsTable() {
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
        }
    }

    /** Visitor of one block: its address and its holder indexes ({@code holders[0..count)}). */
    @FunctionalInterface
    public interface BlockVisitor {
        void visit(Address address, int[] holders, int count);
    }

    /** Records that {@code holder} holds the block; true when this is new. */
    public boolean add(Address address, int holder) {
        return add(address.toBytes(), 0, holder);
    }

    /** Same, from 32 raw address bytes at {@code offset} (ingestion path; no Address object). */
    public boolean add(byte[] raw, int offset, int holder) {
        checkHolder(holder);
        return shards[raw[offset] & 0xff].add(words(raw, offset), holder);
    }

    /** Records that {@code holder} no longer holds the block; true when it did. */
    public boolean remove(Address address, int holder) {
        return remove(address.toBytes(), 0, holder);
    }

    /** Same, from 32 raw address bytes at {@code offset} (ingestion path of removal reports). */
    public boolean remove(byte[] raw, int offset, int holder) {
        return shards[raw[offset] & 0xff].remove(words(raw, offset), holder);
    }

    /** Forgets every block {@code holder} held (re-registration, node gone for good). */
    public long removeHolder(int holder) {
        long removed = 0;
        for (Shard shard : shards) {
            removed += shard.removeHolder(holder);
        }
        return removed;
    }

    /** The holders of the block, or an empty array. */
    public int[] holders(Address address) {
        byte[] raw = address.toBytes();
        return shards[raw[0] & 0xff].holders(words(raw, 0));
    }

    /** Visits every block; each shard is visited under its lock, so keep the visitor quick. */
    public void forEach(BlockVisitor visitor) {
        for (Shard shard : shards) {
            shard.forEach(visitor);
        }
    }

    public long blockCount() {
        long n = 0;
        for (Shard shard : shards) {
            n += shard.size();
        }
        return n;
    }

    /** Bytes held by the arrays, for the memory figure in docs/BENCHMARKS.md. */
    public long arrayBytes() {
        long n = 0;
        for (Shard shard : shards) {
            n += shard.arrayBytes();
        }
        return n;
    }

    private static void checkHolder(int holder) {
        if (holder < 0 || holder > MAX_HOLDER_INDEX) {
            throw new IllegalArgumentException("holder index out of range: " + holder);
        }
    }

    private static long[] words(byte[] raw, int offset) {
        long[] w = new long[4];
        for (int i = 0; i < 4; i++) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v = (v << 8) | (raw[offset + 8 * i + b] & 0xff);
            }
            w[i] = v;
        }
        return w;
    }

    private static Address address(long k0, long k1, long k2, long k3) {
        byte[] raw = new byte[32];
        long[] w = {k0, k1, k2, k3};
        for (int i = 0; i < 4; i++) {
            for (int b = 0; b < 8; b++) {
                raw[8 * i + b] = (byte) (w[i] >>> (56 - 8 * b));
            }
        }
        return Address.ofBytes(raw);
    }

    /** One open-addressing table. All methods synchronized on the shard. */
    private static final class Shard {
        private long[] k0 = new long[INITIAL_CAPACITY];
        private long[] k1 = new long[INITIAL_CAPACITY];
        private long[] k2 = new long[INITIAL_CAPACITY];
        private long[] k3 = new long[INITIAL_CAPACITY];
        private long[] h0 = new long[INITIAL_CAPACITY];
        private long[] h1 = new long[INITIAL_CAPACITY];
        private int size;
        /** Holders beyond the eight packed slots, keyed by address; rare. */
        private final Map<Address, Set<Integer>> overflow = new HashMap<>();

        private int home(long hashWord, int capacity) {
            return (int) Math.floorMod(hashWord, (long) capacity);
        }

        /** The slot of the key, or -(insertion point) - 1 when absent. */
        private int find(long[] w) {
            int cap = k0.length;
            int i = home(w[1], cap);
            for (int probes = 0; probes < cap; probes++) {
                if (h0[i] == 0 && h1[i] == 0) {
                    return -i - 1;
                }
                if (k0[i] == w[0] && k1[i] == w[1] && k2[i] == w[2] && k3[i] == w[3]) {
                    return i;
                }
                i = i + 1 == cap ? 0 : i + 1;
            }
            throw new IllegalStateException("holdings shard full");
        }

        synchronized boolean add(long[] w, int holder) {
            int slot = find(w);
            int value = holder + 1;
            if (slot < 0) {
                if ((size + 1) * 4L > k0.length * 3L) {
                    grow();
                    slot = find(w);
                }
                slot = -slot - 1;
                k0[slot] = w[0];
                k1[slot] = w[1];
                k2[slot] = w[2];
                k3[slot] = w[3];
                h0[slot] = value;
                size++;
                return true;
            }
            int free = -1;
            for (int s = 0; s < SLOTS; s++) {
                int v = get(slot, s);
                if (v == value) {
                    return false;
                }
                if (v == 0 && free < 0) {
                    free = s;
                }
            }
            Address key = overflow.isEmpty() ? null : address(w[0], w[1], w[2], w[3]);
            if (key != null && overflow.getOrDefault(key, Set.of()).contains(holder)) {
                return false;
            }
            if (free >= 0) {
                set(slot, free, value);
                return true;
            }
            return overflow.computeIfAbsent(key != null ? key : address(w[0], w[1], w[2], w[3]),
                    a -> new HashSet<>()).add(holder);
        }

        synchronized boolean remove(long[] w, int holder) {
            int slot = find(w);
            if (slot < 0) {
                return false;
            }
            Address key = overflow.isEmpty() ? null : address(w[0], w[1], w[2], w[3]);
            boolean removed = removeFromSlot(slot, holder, key);
            if (removed && h0[slot] == 0 && h1[slot] == 0) {
                if (key != null && overflow.containsKey(key)) {
                    promoteOverflow(slot, key);
                } else {
                    deleteSlot(slot);
                }
            }
            return removed;
        }

        private boolean removeFromSlot(int slot, int holder, Address key) {
            int value = holder + 1;
            for (int s = 0; s < SLOTS; s++) {
                if (get(slot, s) == value) {
                    set(slot, s, 0);
                    return true;
                }
            }
            if (key != null) {
                Set<Integer> extra = overflow.get(key);
                if (extra != null && extra.remove(holder)) {
                    if (extra.isEmpty()) {
                        overflow.remove(key);
                    }
                    return true;
                }
            }
            return false;
        }

        /** Moves overflow holders back into the emptied packed slots. */
        private void promoteOverflow(int slot, Address key) {
            Set<Integer> extra = overflow.remove(key);
            int s = 0;
            for (Integer holder : extra.toArray(new Integer[0])) {
                if (s < SLOTS) {
                    set(slot, s++, holder + 1);
                    extra.remove(holder);
                }
            }
            if (!extra.isEmpty()) {
                overflow.put(key, extra);
            }
        }

        synchronized long removeHolder(int holder) {
            long removed = 0;
            int i = 0;
            while (i < k0.length) {
                if ((h0[i] != 0 || h1[i] != 0)) {
                    Address key = overflow.isEmpty() ? null : address(k0[i], k1[i], k2[i], k3[i]);
                    if (removeFromSlot(i, holder, key)) {
                        removed++;
                        if (h0[i] == 0 && h1[i] == 0) {
                            if (key != null && overflow.containsKey(key)) {
                                promoteOverflow(i, key);
                            } else {
                                deleteSlot(i);
                                continue; // the backward shift may have moved another entry into slot i
                            }
                        }
                    }
                }
                i++;
            }
            return removed;
        }

        synchronized int[] holders(long[] w) {
            int slot = find(w);
            if (slot < 0) {
                return new int[0];
            }
            int[] out = new int[SLOTS];
            int n = collect(slot, out);
            Set<Integer> extra = overflow.isEmpty() ? null : overflow.get(address(w[0], w[1], w[2], w[3]));
            if (extra == null) {
                return Arrays.copyOf(out, n);
            }
            int[] all = Arrays.copyOf(out, n + extra.size());
            for (Integer h : extra) {
                all[n++] = h;
            }
            return all;
        }

        private int collect(int slot, int[] out) {
            int n = 0;
            for (int s = 0; s < SLOTS; s++) {
                int v = get(slot, s);
                if (v != 0) {
                    out[n++] = v - 1;
                }
            }
            return n;
        }

        synchronized void forEach(BlockVisitor visitor) {
            int[] buf = new int[SLOTS];
            for (int i = 0; i < k0.length; i++) {
                if (h0[i] != 0 || h1[i] != 0) {
                    Address a = address(k0[i], k1[i], k2[i], k3[i]);
                    int n = collect(i, buf);
                    Set<Integer> extra = overflow.get(a);
                    if (extra == null) {
                        visitor.visit(a, buf, n);
                    } else {
                        int[] all = Arrays.copyOf(buf, n + extra.size());
                        for (Integer h : extra) {
                            all[n++] = h;
                        }
                        visitor.visit(a, all, n);
                    }
                }
            }
        }

        synchronized int size() {
            return size;
        }

        synchronized long arrayBytes() {
            return 6L * 8 * k0.length;
        }

        private int get(int slot, int s) {
            long word = s < 4 ? h0[slot] : h1[slot];
            return (int) ((word >>> (16 * (s & 3))) & 0xffff);
        }

        private void set(int slot, int s, int value) {
            int shift = 16 * (s & 3);
            long mask = ~(0xffffL << shift);
            if (s < 4) {
                h0[slot] = (h0[slot] & mask) | ((long) value << shift);
            } else {
                h1[slot] = (h1[slot] & mask) | ((long) value << shift);
            }
        }

        /** Backward-shift deletion: pull later entries of the probe run into the hole. */
        private void deleteSlot(int hole) {
            int cap = k0.length;
            int i = hole;
            while (true) {
                i = i + 1 == cap ? 0 : i + 1;
                if (h0[i] == 0 && h1[i] == 0) {
                    break;
                }
                int home = home(k1[i], cap);
                // move i into the hole if its home is not in (hole, i] cyclically
                boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
                if (!between) {
                    copy(i, hole);
                    hole = i;
                }
            }
            k0[hole] = k1[hole] = k2[hole] = k3[hole] = 0;
            h0[hole] = h1[hole] = 0;
            size--;
        }

        private void copy(int from, int to) {
            k0[to] = k0[from];
            k1[to] = k1[from];
            k2[to] = k2[from];
            k3[to] = k3[from];
            h0[to] = h0[from];
            h1[to] = h1[from];
        }

        private void grow() {
            long[] o0 = k0, o1 = k1, o2 = k2, o3 = k3, oh0 = h0, oh1 = h1;
            int cap = o0.length + (o0.length >> 1);
            k0 = new long[cap];
            k1 = new long[cap];
            k2 = new long[cap];
            k3 = new long[cap];
            h0 = new long[cap];
            h1 = new long[cap];
            for (int i = 0; i < o0.length; i++) {
                if (oh0[i] != 0 || oh1[i] != 0) {
                    int j = home(o1[i], cap);
                    while (h0[j] != 0 || h1[j] != 0) {
                        j = j + 1 == cap ? 0 : j + 1;
                    }
                    k0[j] = o0[i];
                    k1[j] = o1[i];
                    k2[j] = o2[i];
                    k3[j] = o3[i];
                    h0[j] = oh0[i];
                    h1[j] = oh1[i];
                }
            }
        }
    }
}
