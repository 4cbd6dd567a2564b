package io.cairn.store;

import io.cairn.core.Address;

/**
 * Lease renewal and its journal (the LEASE records of the log).
 *
 * <p>The lease is in every BLOCK record, so a put's lease is as durable as the put. A renewal
 * updates the index at once and appends a LEASE record only when the lease moves into a later
 * hour ({@link #LEASE_GRANULARITY_SECONDS}), without waiting for an fsync: renew-on-read must be
 * cheap. The next group commit, {@code sync()} or {@code close()} makes them durable. A re-put's
 * lease merge is durable before put returns.
 *
 * <p>Invariant (kept by compaction too): for every live block, the log holds a record whose lease
 * is at least the start of the hour of the block's lease in memory. Guarantee after a crash: a
 * block's lease is never longer than asked, and at least the lease acknowledged by its last put,
 * at least any lease {@code sync()} returned after, and otherwise at most one hour plus the
 * renewals since the last fsync shorter than asked. So expiry never removes a block that was
 * acknowledged with a lease that is still live.
 */
final class LeaseKeeper {
    static final long LEASE_GRANULARITY_SECONDS = 3600;

    private final StoreState state;

    LeaseKeeper(StoreState state) {
        this.state = state;
    }

    /**
     * Raises the entry's lease; the caller holds the shard lock. With {@code durable}, returns the
     * ticket that makes the raised lease durable (the caller awaits it outside the lock);
     * otherwise appends a LEASE record only when the lease enters a later hour, and returns -1.
     */
    long raise(Address a, BlockIndex.Location loc, long wanted, boolean durable) {
        long old = loc.lease();
        long raised = Math.max(old, wanted);
        if (wanted > old) {
            state.index.setLease(BlockIndex.k0(a), BlockIndex.k1(a), loc.segment(), loc.offset(), wanted);
        }
        if (durable) {
            if (wanted <= hourOf(old)) {
                // The log already holds a record with at least the start of old's hour (see the
                // invariant above), so making what is appended durable is enough.
                return state.log.appendedTicket();
            }
            return state.log.append(SegmentRecord.LEASE, a, -1, raised, null, 0).ticket();
        }
        if (hourOf(wanted) > hourOf(old)) {
            state.log.append(SegmentRecord.LEASE, a, -1, raised, null, 0);
        }
        return -1;
    }

    /** The start of the lease's hour: leases are journaled when they enter a new one. */
    static long hourOf(long leaseEpochSecond) {
        return Math.floorDiv(leaseEpochSecond, LEASE_GRANULARITY_SECONDS) * LEASE_GRANULARITY_SECONDS;
    }
}
