package io.cairn.store;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.HashedBlock;
import io.cairn.core.Lease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Design (b), the one {@link BlockStores#open} returns: append-only segments, an in-memory index
 * of 16-byte prefixes, group commit. See docs/STORAGE.md for the layout and the guarantees, and
 * docs/BENCHMARKS.md for why this design and not a file per block.
 *
 * <p>Leases and their crash guarantee: {@link LeaseKeeper}.
 */
final class SegmentBlockStore implements BlockStore {
    private static final int MAX_WAITS_FOR_OTHER_WRITER = 8;

    private final StoreState state;
    private final StoreLock lock;
    private final ConcurrentHashMap<Address, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();
    private final Maintenance maintenance;
    private final LeaseKeeper leases;
    private volatile boolean closed;

    private SegmentBlockStore(StoreState state, StoreLock lock, StoreOptions options) {
        this.state = state;
        this.lock = lock;
        this.maintenance = new Maintenance(state, options);
        this.leases = new LeaseKeeper(state);
    }

    static SegmentBlockStore open(StoreConfig config, StoreOptions options) {
        StoreLock lock = StoreLock.acquire(config.dir());
        try {
            BlockIndex index = new BlockIndex(options.indexSeed());
            SpaceAccount space = new SpaceAccount(config, options.diskReserveBytes());
            SegmentLog log = Recovery.recover(config.dir().resolve("segments"), options.maxSegmentBytes(), index, space);
            StoreState state = new StoreState(config.dir().resolve("quarantine"), config.clock(), index, log, space);
            return new SegmentBlockStore(state, lock, options);
        } catch (IOException e) {
            lock.release();
            throw new CairnException(ErrorCode.INTERNAL, "opening the store in " + config.dir() + ": " + e, e);
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "the block store is closed");
        }
    }

    /** The exact entry, with damaged copies quarantined on the way (then absent). */
    private BlockLocator.Found locate(Address a) {
        for (int attempt = 0; attempt < 3; attempt++) {
            BlockLocator.Found f;
            try {
                f = state.locator.locate(a);
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INTERNAL, "reading the index entry of " + a + ": " + e, e);
            }
            if (f == null || !f.damaged()) {
                return f;
            }
            state.quarantine(a, f.location(), "damaged record header");
        }
        return null;
    }

    @Override
    public PutOutcome put(Address address, ByteBuffer content, Lease lease) {
        ensureOpen();
        ByteBuffer body = content.slice();
        SegmentRecord.checkPutable(address, body);
        return putChecked(address, body, lease);
    }

    /** Bytes hashed in this process: only the size is checked here (see {@link BlockStore#put(HashedBlock, Lease)}). */
    @Override
    public PutOutcome put(HashedBlock block, Lease lease) {
        ensureOpen();
        ByteBuffer body = block.content();
        SegmentRecord.checkSize(body);
        return putChecked(block.address(), body, lease);
    }

    private PutOutcome putChecked(Address address, ByteBuffer body, Lease lease) {
        ReentrantLock shard = state.lockFor(address);
        for (int attempt = 0; attempt < MAX_WAITS_FOR_OTHER_WRITER; attempt++) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = null;
            BlockLocator.Found found;
            long ticket = -1;
            shard.lock();
            try {
                found = locate(address);
                if (found != null) {
                    ticket = leases.raise(address, found.location(), lease.expiresEpochSecond(), true);
                } else {
                    other = inflight.putIfAbsent(address, mine);
                }
            } finally {
                shard.unlock();
            }
            if (found != null) {
                state.log.awaitDurable(ticket); // a re-put's lease merge is acknowledged, so durable
                // An expired block was logically gone: bringing it back is a creation for the caller.
                return state.expired(found.location().lease()) ? PutOutcome.CREATED : PutOutcome.EXISTED;
            }
            if (other != null) {
                waitQuietly(other); // a concurrent writer of the same block: see what it achieved
                continue;
            }
            try {
                return writeNew(address, body, lease);
            } finally {
                inflight.remove(address, mine);
                mine.complete(null);
            }
        }
        throw new CairnException(ErrorCode.UNAVAILABLE, "gave up waiting for concurrent writers of " + address);
    }

    private static void waitQuietly(CompletableFuture<Void> other) {
        try {
            other.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted");
        } catch (Exception ignored) {
            // it failed or is slow: try ourselves
        }
    }

    private PutOutcome writeNew(Address address, ByteBuffer body, Lease lease) {
        NewRecord r = appendNew(address, body, lease);
        try {
            state.log.awaitDurable(r.appended.ticket());
            r.index();
        } finally {
            r.settle();
        }
        state.notifyAdded(address);
        return PutOutcome.CREATED;
    }

    /**
     * A new block appended to the log but not yet in the index: space reserved, segment pinned.
     * {@link #index} once durable, then {@link #settle} in every case.
     */
    private final class NewRecord {
        final Address address;
        final int length;
        final long lease;
        final SegmentLog.Appended appended;
        private boolean committed;

        NewRecord(Address address, int length, long lease, SegmentLog.Appended appended) {
            this.address = address;
            this.length = length;
            this.lease = lease;
            this.appended = appended;
        }

        void index() {
            ReentrantLock shard = state.lockFor(address);
            shard.lock();
            try {
                state.index.insert(BlockIndex.k0(address), BlockIndex.k1(address), appended.segment(), appended.offset(), length, lease);
                state.addLive(appended.segment(), StoreState.recordBytes(length));
                state.space.commit(length);
                committed = true;
            } finally {
                shard.unlock();
            }
        }

        /** Unpins the segment, and gives the reservation back when the block never made the index. */
        void settle() {
            state.log.segment(appended.segment()).pins.decrementAndGet();
            if (!committed) {
                state.space.release(length);
            }
        }
    }

    private NewRecord appendNew(Address address, ByteBuffer body, Lease lease) {
        int length = body.remaining();
        state.space.reserve(length);
        try {
            SegmentLog.Appended appended = state.log.append(SegmentRecord.BLOCK, address, -1, lease.expiresEpochSecond(), body,
                    SegmentRecord.contentCrc(body), true);
            return new NewRecord(address, length, lease.expiresEpochSecond(), appended);
        } catch (RuntimeException e) {
            state.space.release(length);
            throw e;
        }
    }

    /**
     * The batch: every new block is appended first, then one durability wait covers them all
     * (usually a single group commit), then they enter the index. A block already stored gets
     * its lease merged as in {@link #put}; a block another writer is storing right now, or one
     * that appears twice in the batch, is put on its own afterwards.
     */
    @Override
    public java.util.List<PutOutcome> putAll(java.util.List<HashedBlock> blocks, Lease lease) {
        ensureOpen();
        blocks.forEach(b -> SegmentRecord.checkSize(b.content()));
        PutOutcome[] outcomes = new PutOutcome[blocks.size()];
        java.util.List<NewRecord> fresh = new java.util.ArrayList<>();
        java.util.Map<Address, CompletableFuture<Void>> claims = new java.util.HashMap<>();
        java.util.List<Integer> later = new java.util.ArrayList<>();
        long ticket = -1;
        RuntimeException refused = null;
        try {
            for (int i = 0; i < blocks.size() && refused == null; i++) {
                try {
                    ticket = Math.max(ticket, begin(blocks.get(i), i, lease, outcomes, fresh, claims, later));
                } catch (RuntimeException e) {
                    // e.g. capacity reached: the blocks appended so far are finished below (a
                    // record left in the log unindexed would come back at the next open)
                    refused = e;
                }
            }
            if (ticket >= 0) {
                state.log.awaitDurable(ticket);
            }
            fresh.forEach(NewRecord::index);
        } finally {
            fresh.forEach(NewRecord::settle);
            claims.forEach((address, claim) -> {
                inflight.remove(address, claim);
                claim.complete(null);
            });
        }
        fresh.forEach(r -> state.notifyAdded(r.address));
        if (refused != null) {
            throw refused;
        }
        for (int i : later) {
            HashedBlock b = blocks.get(i);
            outcomes[i] = putChecked(b.address(), b.content(), lease);
        }
        return java.util.List.of(outcomes);
    }

    /**
     * The first half of a batch entry: merges the lease of a stored block, or claims and appends
     * a new one (into {@code fresh}), or leaves it for later when another writer holds it.
     * Returns the ticket to wait for, or -1.
     */
    private long begin(HashedBlock block, int i, Lease lease, PutOutcome[] outcomes, java.util.List<NewRecord> fresh,
                       java.util.Map<Address, CompletableFuture<Void>> claims, java.util.List<Integer> later) {
        Address address = block.address();
        ReentrantLock shard = state.lockFor(address);
        CompletableFuture<Void> mine = new CompletableFuture<>();
        shard.lock();
        try {
            BlockLocator.Found found = locate(address);
            if (found != null) {
                outcomes[i] = state.expired(found.location().lease()) ? PutOutcome.CREATED : PutOutcome.EXISTED;
                return leases.raise(address, found.location(), lease.expiresEpochSecond(), true);
            }
            if (inflight.putIfAbsent(address, mine) != null) {
                later.add(i);
                return -1;
            }
            claims.put(address, mine);
        } finally {
            shard.unlock();
        }
        NewRecord r = appendNew(address, block.content(), lease);
        fresh.add(r);
        outcomes[i] = PutOutcome.CREATED;
        return r.appended.ticket();
    }

    @Override
    public Optional<ByteBuffer> read(Address address) {
        return Optional.ofNullable(read(address, false)).map(BlockView::content);
    }

    /**
     * The GET fast path: the content as a read-only view of the segment's memory mapping, checked
     * against its CRC32C on the mapped bytes, then lent to the caller without a copy (the socket
     * write reads the page cache directly). The view holds a reference on the mapping so that
     * compaction cannot unmap it while in use ({@link SegmentMapping}). When the record is not
     * mappable yet (the newest part of the active segment, rate-limited remaps) it falls back to
     * the copying read. See docs/DECISIONS.md, "GET fast path".
     */
    @Override
    public Optional<BlockView> readView(Address address) {
        return Optional.ofNullable(read(address, true));
    }

    /**
     * The read batch: each block as {@link #readView} lends it. The size check uses the index
     * alone (the lengths of the live entries), so a batch that is too large is refused before a
     * byte of any segment is touched. Reading the batch's blocks that are not in memory with
     * direct I/O instead was tried and not kept (docs/BENCHMARKS.md, "Seventh session").
     */
    @Override
    public List<BlockView> readViews(List<Address> addresses, long maxBytes) {
        ensureOpen();
        long indexed = 0;
        for (Address a : addresses) {
            long largest = 0;
            for (BlockIndex.Location loc : state.index.candidates(BlockIndex.k0(a), BlockIndex.k1(a))) {
                largest = state.expired(loc.lease()) ? largest : Math.max(largest, loc.length());
            }
            indexed += largest;
        }
        if (indexed > maxBytes) {
            throw BlockStore.tooLargeBatch(maxBytes);
        }
        List<BlockView> out = new ArrayList<>(addresses.size());
        boolean done = false;
        try {
            for (Address a : addresses) {
                out.add(read(a, true));
            }
            done = true;
        } finally {
            if (!done) {
                for (BlockView v : out) {
                    if (v != null) {
                        v.close();
                    }
                }
            }
        }
        return out;
    }

    /** From the index and the mappings (mincore), without reading a byte of the segments. */
    @Override
    public boolean isResident(Address address) {
        ensureOpen();
        for (BlockIndex.Location loc : state.index.candidates(BlockIndex.k0(address), BlockIndex.k1(address))) {
            Segment s = state.log.segment(loc.segment());
            int bytes = StoreState.recordBytes(loc.length());
            SegmentMapping m = s == null ? null : s.acquireMapping((long) loc.offset() + bytes);
            if (m == null) {
                return false;
            }
            try {
                if (!m.isLoaded(loc.offset(), bytes)) {
                    return false;
                }
            } finally {
                m.release();
            }
        }
        return true;
    }

    private BlockView read(Address address, boolean mapped) {
        ensureOpen();
        for (int attempt = 0; attempt < 3; attempt++) {
            BlockLocator.Found f = locate(address);
            if (f == null || state.expired(f.location().lease())) {
                return null;
            }
            BlockIndex.Location loc = f.location();
            Segment s = state.log.segment(loc.segment());
            if (s == null) {
                continue; // compacted away meanwhile: look again
            }
            long start = (long) loc.offset() + SegmentRecord.HEADER_BYTES;
            SegmentMapping m = mapped ? s.acquireMapping(start + loc.length()) : null;
            ByteBuffer content;
            if (m != null) {
                content = m.slice(start, loc.length());
            } else {
                try {
                    content = s.read(loc.offset(), StoreState.recordBytes(loc.length())).slice(SegmentRecord.HEADER_BYTES, loc.length());
                } catch (java.nio.channels.ClosedChannelException e) {
                    continue;
                } catch (IOException e) {
                    state.quarantine(address, loc, "unreadable: " + e);
                    return null;
                }
            }
            if (SegmentRecord.contentCrc(content) != f.header().contentCrc()) {
                if (m != null) {
                    m.release();
                }
                state.quarantine(address, loc, "content CRC mismatch");
                return null;
            }
            return new BlockView(content, loc.lease(), m == null ? null : m::release);
        }
        return null;
    }

    private BlockIndex.Location live(Address address) {
        ensureOpen();
        BlockLocator.Found f = locate(address);
        return f == null || state.expired(f.location().lease()) ? null : f.location();
    }

    @Override
    public boolean contains(Address address) {
        return live(address) != null;
    }

    @Override
    public long sizeOf(Address address) {
        BlockIndex.Location loc = live(address);
        return loc == null ? -1 : loc.length();
    }

    @Override
    public Optional<Lease> lease(Address address) {
        BlockIndex.Location loc = live(address);
        return loc == null ? Optional.empty() : Optional.of(new Lease(loc.lease()));
    }

    @Override
    public boolean renew(Address address, Lease lease) {
        ensureOpen();
        ReentrantLock shard = state.lockFor(address);
        shard.lock();
        try {
            BlockLocator.Found f = locate(address);
            if (f == null || state.expired(f.location().lease())) {
                return false;
            }
            leases.raise(address, f.location(), lease.expiresEpochSecond(), false);
            return true;
        } finally {
            shard.unlock();
        }
    }

    @Override
    public boolean delete(Address address) {
        ensureOpen();
        long ticket;
        ReentrantLock shard = state.lockFor(address);
        shard.lock();
        try {
            BlockLocator.Found f = locate(address);
            if (f == null) {
                return false;
            }
            ticket = state.removeEntry(address, f.location());
        } finally {
            shard.unlock();
        }
        state.log.awaitDurable(ticket); // an acknowledged delete must not come back after a crash
        state.notifyRemoved(address, RemovalReason.DELETED);
        return true;
    }

    @Override
    public int expire(Instant now) {
        ensureOpen();
        return maintenance.expire(now);
    }

    @Override
    public SpaceReport space() {
        return state.space.report();
    }

    @Override
    public long blockCount() {
        return state.index.size();
    }

    @Override
    public void forEachAddress(Consumer<Address> visitor) {
        ensureOpen();
        maintenance.forEachAddress(visitor);
    }

    @Override
    public void forEachLease(java.util.function.BiConsumer<Address, Lease> visitor) {
        ensureOpen();
        maintenance.forEachLease(visitor);
    }

    @Override
    public ScrubReport scrub(long maxBytes) {
        ensureOpen();
        return maintenance.scrub(maxBytes);
    }

    @Override
    public CompactionReport compact(long maxBytes) {
        ensureOpen();
        return maintenance.compact(maxBytes);
    }

    @Override
    public void sync() {
        ensureOpen();
        state.log.sync();
    }

    @Override
    public void addListener(BlockListener listener) {
        state.listeners.add(listener);
    }

    /** Index heap in bytes, exactly (the arrays), for the heap measurement. */
    long indexArrayBytes() {
        return state.index.arrayBytes();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        state.log.close();
        lock.release();
    }
}
