package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.NavigableMap;

/**
 * Finds the exact entry of an address: the index knows 16 bytes of it, the record header on disk
 * the other 16. Every candidate sharing the prefix is confirmed by reading its header (a page-cache
 * read of 68 bytes; almost always there is exactly one candidate).
 */
final class BlockLocator {
    /** The entry and its header; header is null when the header on disk is damaged. */
    record Found(BlockIndex.Location location, SegmentRecord.Header header) {
        boolean damaged() {
            return header == null;
        }
    }

    private final BlockIndex index;
    private final NavigableMap<Integer, Segment> segments;

    BlockLocator(BlockIndex index, NavigableMap<Integer, Segment> segments) {
        this.index = index;
        this.segments = segments;
    }

    /**
     * The entry of this address, or null. A candidate whose header is unreadable is returned as
     * damaged: with a matching 128-bit prefix it is, but for a 2^-128 chance, this address's record.
     * A candidate in a segment retired meanwhile (compaction moved it) makes the lookup start over.
     */
    Found locate(Address address) throws IOException {
        long k0 = BlockIndex.k0(address);
        long k1 = BlockIndex.k1(address);
        for (int attempt = 0; ; attempt++) {
            try {
                return locateOnce(address, index.candidates(k0, k1));
            } catch (ClosedChannelException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private Found locateOnce(Address address, List<BlockIndex.Location> candidates) throws IOException {
        Found damaged = null;
        for (BlockIndex.Location loc : candidates) {
            Segment s = segments.get(loc.segment());
            if (s == null || s.isRetired()) {
                throw new ClosedChannelException();
            }
            SegmentRecord.Header h = s.header(loc.offset());
            if (h == null) {
                damaged = new Found(loc, null);
            } else if (h.address().equals(address)) {
                return new Found(loc, h);
            }
        }
        return damaged;
    }
}
