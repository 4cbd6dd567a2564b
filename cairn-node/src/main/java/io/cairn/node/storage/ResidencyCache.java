package io.cairn.node.storage;

import io.cairn.core.Address;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;

/**
 * Remembers for a short while that a block's bytes were in memory, so that the GET hot path asks
 * the kernel ({@code mincore}, one system call) about a hot block at most once per
 * {@code ttlNanos} instead of on every request.
 *
 * <p>Layout: a direct-mapped table of {@code slots} entries, each a pair of longs in one
 * {@link AtomicLongArray}: the first 8 bytes of the address and the monotonic time until which
 * the "resident" verdict holds. Two blocks that map to one slot simply evict each other. Only
 * "resident" verdicts are cached; an absent or cold block is asked again every time.
 *
 * <p>Cost of being wrong: a block evicted from the page cache within the window is answered on
 * the I/O thread and takes a page fault there, once; that bounds the staleness to {@code ttlNanos}.
 * The pair is written without a lock: a torn read pairs a key with another key's deadline, which
 * at worst answers one request with a stale verdict of the same bounded kind.
 */
final class ResidencyCache {
    private final AtomicLongArray table;
    private final int mask;
    private final long ttlNanos;
    private final Predicate<Address> resident;

    ResidencyCache(int slots, long ttlNanos, Predicate<Address> resident) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.table = new AtomicLongArray(2 * slots);
        this.mask = slots - 1;
        this.ttlNanos = ttlNanos;
        this.resident = resident;
    }

    boolean isResident(Address address, long nowNanos) {
        long key = address.longAt(0);
        int slot = 2 * ((int) (address.longAt(1) & mask));
        if (table.get(slot) == key && nowNanos - table.get(slot + 1) < 0) {
            return true;
        }
        if (!resident.test(address)) {
            return false;
        }
        table.set(slot, key);
        table.set(slot + 1, nowNanos + ttlNanos);
        return true;
    }
}
