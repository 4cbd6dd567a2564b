package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The store's background work, each step bounded: expiry ({@link #MAX_EXPIRED_PER_CALL} blocks
 * per call), scrubbing and compaction (a byte budget per call), and the inventory walk.
 */
final class Maintenance {
    /** Most blocks one {@link #expire} call reclaims; call again while it returns this many. */
    static final int MAX_EXPIRED_PER_CALL = 65_536;

    private final StoreState state;
    private final Scrubber scrubber;
    private final Compactor compactor;
    private int expiryShard;

    Maintenance(StoreState state, StoreOptions options) {
        this.state = state;
        this.scrubber = new Scrubber(state);
        this.compactor = new Compactor(state, options.compactBelowLiveRatio());
    }

    /** An index entry copied out of its shard. */
    record Entry(long k0, long k1, int segment, int offset, int length, long lease) {
        BlockIndex.Location location() {
            return new BlockIndex.Location(segment, offset, length, lease);
        }
    }

    static List<Entry> entriesOf(BlockIndex index, int shard) {
        List<Entry> entries = new ArrayList<>();
        index.forEachInShard(shard, (k0, k1, segment, offset, length, lease) -> entries.add(new Entry(k0, k1, segment, offset, length, lease)));
        return entries;
    }

    /** The full address of an entry, read from its record header. */
    Address addressOf(Entry e) {
        Segment s = state.log.segment(e.segment());
        SegmentRecord.Header h = null;
        try {
            h = s == null ? null : s.header(e.offset());
        } catch (IOException ignored) {
            // a damaged header: the prefix is all we know
        }
        return StoreState.addressOf(h, e.k0(), e.k1());
    }

    /**
     * Removes blocks whose lease expired at {@code now}, shard by shard from where the last call
     * stopped, at most {@link #MAX_EXPIRED_PER_CALL} per call; one group commit makes all their
     * tombstones durable before the listeners hear of them.
     */
    synchronized int expire(Instant now) {
        long nowSecond = now.getEpochSecond();
        List<Address> gone = new ArrayList<>();
        long lastTicket = -1;
        for (int visited = 0; visited < BlockIndex.SHARDS && gone.size() < MAX_EXPIRED_PER_CALL; visited++) {
            int shard = expiryShard;
            for (Entry e : entriesOf(state.index, shard)) {
                if (e.lease() > nowSecond || gone.size() >= MAX_EXPIRED_PER_CALL) {
                    continue;
                }
                Address a = addressOf(e);
                ReentrantLock lock = state.lockFor(a);
                lock.lock();
                try {
                    boolean stillExpired = state.index.candidates(e.k0(), e.k1()).stream().anyMatch(c ->
                            c.segment() == e.segment() && c.offset() == e.offset() && c.lease() <= nowSecond);
                    if (stillExpired) {
                        lastTicket = Math.max(lastTicket, state.removeEntry(a, e.location()));
                        gone.add(a);
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (gone.size() < MAX_EXPIRED_PER_CALL) {
                expiryShard = (shard + 1) % BlockIndex.SHARDS;
            }
        }
        if (lastTicket >= 0) {
            state.log.awaitDurable(lastTicket);
        }
        for (Address a : gone) {
            state.notifyRemoved(a, BlockStore.RemovalReason.EXPIRED);
        }
        return gone.size();
    }

    /** Visits the address of every unexpired block, one shard at a time (never under a lock). */
    void forEachAddress(Consumer<Address> visitor) {
        long nowSecond = state.clock.now().getEpochSecond();
        for (int shard = 0; shard < BlockIndex.SHARDS; shard++) {
            for (Entry e : entriesOf(state.index, shard)) {
                if (e.lease() > nowSecond) {
                    visitor.accept(addressOf(e));
                }
            }
        }
    }

    /** Visits every indexed block with its lease, expired ones too (issue #5: the lease keeper). */
    void forEachLease(java.util.function.BiConsumer<Address, io.cairn.core.Lease> visitor) {
        for (int shard = 0; shard < BlockIndex.SHARDS; shard++) {
            for (Entry e : entriesOf(state.index, shard)) {
                visitor.accept(addressOf(e), new io.cairn.core.Lease(e.lease()));
            }
        }
    }

    BlockStore.ScrubReport scrub(long maxBytes) {
        return scrubber.scrub(maxBytes);
    }

    BlockStore.CompactionReport compact(long maxBytes) {
        return compactor.compact(maxBytes);
    }
}
