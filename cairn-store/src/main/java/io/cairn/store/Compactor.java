package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims the space of deleted, expired and quarantined blocks, one bounded step at a time.
 *
 * <p>Algorithm: pick the sealed segment with the smallest live fraction, if it is below the
 * threshold (default 1/2, so the bytes copied never exceed the bytes freed). Walk its hint from
 * a cursor, at most about {@code maxBytes} of records per call, and for each record:
 * <ul>
 *   <li>BLOCK the index points at: append a copy (same sequence number, current lease) to the
 *       active segment and point the index at the copy, under the shard lock so that a concurrent
 *       delete either sees the old or the new location, never neither.</li>
 *   <li>TOMBSTONE: keep (copy) it unless every segment that could still hold a record it kills is
 *       gone. The records it kills have sequence numbers below its own and live in segments up to
 *       the one named in it, because compaction only copies live records and only into newer
 *       segments; so it may be dropped when no segment other than this one has an id at most that.</li>
 *   <li>LEASE: keep the block's current lease if this record may be the one carrying its durable
 *       lease (its lease is within an hour of the current one), otherwise drop it.</li>
 *   <li>anything else is garbage and is dropped.</li>
 * </ul>
 * At the end of the segment, wait for the copies to be durable, then delete the segment.
 * Progress is guaranteed: every call advances the cursor by at least one record, copies go only
 * to the active segment, never to the one being compacted, and a segment's live fraction only
 * falls while it is sealed, so every picked segment is finished and deleted.
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final StoreState state;
    private final double compactBelowLiveRatio;
    private Segment current;
    private HintFile hint;
    private int cursor;
    private long lastTicket = -1;
    /** The log's ticket when this pass over the segment began: its copies come after it. */
    private long startTicket;

    Compactor(StoreState state, double compactBelowLiveRatio) {
        this.state = state;
        this.compactBelowLiveRatio = compactBelowLiveRatio;
    }

    synchronized BlockStore.CompactionReport compact(long maxBytes) {
        if (current == null && !pick()) {
            return new BlockStore.CompactionReport(0, 0, 0, 0, false);
        }
        long scanned = 0;
        long copied = 0;
        while (cursor < hint.count() && (scanned < maxBytes || scanned == 0)) {
            HintFile.Entry e = hint.entry(cursor);
            scanned += e.recordBytes();
            copied += switch (e.kind()) {
                case SegmentRecord.BLOCK -> keepBlock(e);
                case SegmentRecord.TOMBSTONE -> keepTombstone(e);
                case SegmentRecord.LEASE -> keepLease(e);
                default -> 0;
            };
            cursor++; // only past an entry that was handled: a copy that threw is tried again next time
        }
        if (cursor < hint.count()) {
            return new BlockStore.CompactionReport(scanned, copied, 0, 0, true);
        }
        if (lastTicket >= 0) {
            state.log.awaitDurable(lastTicket); // every copy is durable before its original goes
            if (state.log.anyLost(startTicket, lastTicket)) {
                // A failed direct write dropped a copy (a tombstone's or a lease's: block copies are
                // written before the index points at them). Go over the segment again; blocks
                // already moved are skipped, the rest copied anew.
                restartPass();
                return new BlockStore.CompactionReport(scanned, copied, 0, 0, true);
            }
        }
        long reclaimed = current.sizeBytes();
        try {
            state.log.retire(current);
        } catch (IOException e) {
            LOG.warn("could not delete compacted {}: {}", current, e.toString());
        }
        LOG.info("compacted {}: {} bytes freed", current, reclaimed);
        current = null;
        hint = null;
        return new BlockStore.CompactionReport(scanned, copied, 1, reclaimed, true);
    }

    private boolean pick() {
        Segment best = null;
        for (Segment s : state.log.sealedSegments()) {
            if (s.pins.get() == 0 && s.liveRatio() < compactBelowLiveRatio && (best == null || s.liveRatio() < best.liveRatio())) {
                best = s;
            }
        }
        if (best == null) {
            return false;
        }
        HintFile h = HintFile.open(best.path.getParent(), best.id);
        if (h == null) {
            h = rebuildHint(best);
            if (h == null) {
                return false;
            }
        }
        current = best;
        hint = h;
        restartPass();
        return true;
    }

    private void restartPass() {
        cursor = 0;
        lastTicket = -1;
        startTicket = state.log.appendedTicket();
    }

    private static HintFile rebuildHint(Segment s) {
        try {
            HintFile.Writer w = new HintFile.Writer(s.path.getParent(), s.id);
            SegmentScanner.scan(s.path, (h, offset) -> w.add(h.kind(), offset, h.length(), h.seq(), h.aux(), h.address()));
            return w.seal(s.sizeBytes()) ? HintFile.open(s.path.getParent(), s.id) : null;
        } catch (IOException e) {
            LOG.warn("cannot rebuild the hint of {}: {}", s, e.toString());
            return null;
        }
    }

    private long keepBlock(HintFile.Entry e) {
        Address a = e.address();
        long k0 = BlockIndex.k0(a);
        long k1 = BlockIndex.k1(a);
        BlockIndex.Location live = null;
        String damage = null;
        ReentrantLock lock = state.lockFor(a);
        lock.lock();
        try {
            for (BlockIndex.Location c : state.index.candidates(k0, k1)) {
                if (c.segment() == current.id && c.offset() == e.offset()) {
                    live = c;
                }
            }
            if (live == null) {
                return 0; // garbage: deleted, expired, superseded or quarantined
            }
            int bytes = e.recordBytes();
            ByteBuffer record = current.read(e.offset(), bytes);
            SegmentRecord.Header h = SegmentRecord.readHeader(record, 0);
            ByteBuffer content = record.slice(SegmentRecord.HEADER_BYTES, e.length());
            if (h == null || !h.address().equals(a) || SegmentRecord.contentCrc(content) != h.contentCrc()) {
                damage = "found damaged while compacting";
            } else {
                SegmentLog.Appended copy = state.log.append(SegmentRecord.BLOCK, a, h.seq(), live.lease(), content, h.contentCrc());
                state.log.makeReadable(copy); // readers follow the index at once
                state.index.relocate(k0, k1, current.id, e.offset(), copy.segment(), copy.offset());
                state.addLive(copy.segment(), bytes);
                state.addLive(current.id, -bytes);
                lastTicket = copy.ticket();
                return bytes;
            }
        } catch (IOException ex) {
            damage = "unreadable while compacting: " + ex;
        } finally {
            lock.unlock();
        }
        state.quarantine(a, live, damage); // never copy a corrupt block: it would look good afterwards
        return 0;
    }

    private long keepTombstone(HintFile.Entry e) {
        if (state.log.oldestSegmentIdExcept(current.id) > e.aux()) {
            return 0; // every record it could kill is gone
        }
        SegmentLog.Appended copy = state.log.append(SegmentRecord.TOMBSTONE, e.address(), e.seq(), e.aux(), null, 0);
        state.addLive(copy.segment(), SegmentRecord.HEADER_BYTES);
        lastTicket = copy.ticket();
        return SegmentRecord.HEADER_BYTES;
    }

    private long keepLease(HintFile.Entry e) {
        Address a = e.address();
        ReentrantLock lock = state.lockFor(a);
        lock.lock();
        try {
            BlockLocator.Found f = state.locator.locate(a);
            if (f == null || f.damaged() || f.location().segment() == current.id) {
                return 0; // gone, or its BLOCK record here will be copied with the current lease
            }
            long lease = f.location().lease();
            if (e.aux() <= lease - LeaseKeeper.LEASE_GRANULARITY_SECONDS) {
                return 0; // superseded: a later LEASE record holds at least the start of the lease's hour
            }
            SegmentLog.Appended copy = state.log.append(SegmentRecord.LEASE, a, -1, lease, null, 0);
            lastTicket = copy.ticket();
            return SegmentRecord.HEADER_BYTES;
        } catch (IOException ex) {
            return 0;
        } finally {
            lock.unlock();
        }
    }
}
