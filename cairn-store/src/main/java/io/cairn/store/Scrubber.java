package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;

/**
 * Re-hashes stored blocks at a bounded budget (SPEC §5) and quarantines any copy that no longer
 * matches its address.
 *
 * <p>Order: index order, shard by shard, entry by entry, resuming at the next entry on the next
 * call; a round ends when every shard was visited ({@code wrappedAround}). Walking the index
 * rather than the segments checks exactly the live blocks and skips garbage. A shard that grows
 * during a round reorders its entries, so that round may check some of them twice or not at all;
 * the next round does. Every call checks at least one block, so a tiny budget still progresses.
 */
final class Scrubber {
    /**
     * Records up to this size are read into one direct buffer the scrubber keeps. The scrubber
     * reads its budget (8 MiB/s per node by default) for as long as the node runs; as a fresh
     * heap array per block (filled through a temporary direct buffer by the JDK, then copied)
     * that was a fifth of a serving node's garbage, and every young pause is in some GET's
     * latency (docs/BENCHMARKS.md, "Ninth session"). Larger records are rare and read as before.
     */
    static final int REUSED_RECORD_BYTES = 1 << 20;
    private final StoreState state;
    private int shard;
    private int position;
    private ByteBuffer reused; // guarded by this (scrub is synchronized)

    Scrubber(StoreState state) {
        this.state = state;
    }

    synchronized BlockStore.ScrubReport scrub(long maxBytes) {
        long blocks = 0;
        long bytes = 0;
        long corrupt = 0;
        boolean wrapped = false;
        while (!wrapped && (bytes < maxBytes || blocks == 0)) {
            List<Maintenance.Entry> entries = Maintenance.entriesOf(state.index, shard);
            while (position < entries.size() && (bytes < maxBytes || blocks == 0)) {
                Maintenance.Entry e = entries.get(position++);
                blocks++;
                bytes += e.length();
                if (!verify(e)) {
                    corrupt++;
                }
            }
            if (position >= entries.size()) {
                position = 0;
                shard++;
                if (shard == BlockIndex.SHARDS) {
                    shard = 0;
                    wrapped = true;
                }
            }
        }
        return new BlockStore.ScrubReport(blocks, bytes, corrupt, wrapped);
    }

    /** False when the copy was found corrupt (and quarantined). */
    private boolean verify(Maintenance.Entry e) {
        Segment s = state.log.segment(e.segment());
        if (s == null) {
            return true; // compaction moved it meanwhile; the next round checks the copy
        }
        ByteBuffer record;
        try {
            record = read(s, e.offset(), StoreState.recordBytes(e.length()));
        } catch (ClosedChannelException moved) {
            return true;
        } catch (IOException io) {
            return !quarantine(StoreState.addressOf(null, e.k0(), e.k1()), e, "unreadable: " + io);
        }
        SegmentRecord.Header h = SegmentRecord.readHeader(record, 0);
        Address a = StoreState.addressOf(h, e.k0(), e.k1());
        if (h == null || h.kind() != SegmentRecord.BLOCK || h.length() != e.length()
                || BlockIndex.k0(a) != e.k0() || BlockIndex.k1(a) != e.k1()) {
            return !quarantine(a, e, "damaged record header");
        }
        ByteBuffer content = record.slice(SegmentRecord.HEADER_BYTES, e.length());
        if (!a.matches(content)) {
            return !quarantine(a, e, "content does not hash to its address");
        }
        return true;
    }

    private ByteBuffer read(Segment s, long offset, int length) throws IOException {
        if (length > REUSED_RECORD_BYTES) {
            return s.read(offset, length);
        }
        if (reused == null || reused.capacity() < length) {
            reused = ByteBuffer.allocateDirect(Integer.highestOneBit(Math.max(length - 1, 1)) << 1);
        }
        ByteBuffer buf = reused.clear().limit(length);
        s.readFully(buf, offset);
        return buf.flip();
    }

    private boolean quarantine(Address a, Maintenance.Entry e, String why) {
        return state.quarantine(a, e.location(), "scrub: " + why);
    }
}
