package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index from the segments at open.
 *
 * <p>Algorithm: replay every record in log order (segment id, then offset). Sealed segments are
 * replayed from their hint files, so start-up reads 64 bytes per record instead of every byte
 * stored; the unsealed last segment (and any segment whose hint is missing or damaged) is scanned
 * record by record with both CRCs checked ({@link SegmentScanner}), and its torn tail, if any, is
 * cut off. Replay rules, applied per record:
 * <ul>
 *   <li>BLOCK: if the address is absent it is inserted; if present, this is a compaction copy or
 *       a later incarnation, so the later position wins and the leases merge (the larger).</li>
 *   <li>TOMBSTONE (sequence X): removes the address's entry if that entry's record has a
 *       sequence number below X.</li>
 *   <li>LEASE: raises the entry's lease.</li>
 * </ul>
 * Then live bytes per segment are summed from the index for compaction's choices. The sequence
 * counter resumes above the largest number seen.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Path dir;
    private final BlockIndex index;
    private final SpaceAccount space;
    private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
    private final BlockLocator locator;
    private long maxSeq;

    private Recovery(Path dir, BlockIndex index, SpaceAccount space) {
        this.dir = dir;
        this.index = index;
        this.space = space;
        this.locator = new BlockLocator(index, segments);
    }

    static SegmentLog recover(Path dir, long maxSegmentBytes, BlockIndex index, SpaceAccount space) throws IOException {
        return new Recovery(dir, index, space).run(maxSegmentBytes);
    }

    private SegmentLog run(long maxSegmentBytes) throws IOException {
        Files.createDirectories(dir);
        List<Integer> ids = listSegmentsAndTidy();
        for (int id : ids) {
            segments.put(id, Segment.open(Segment.pathOf(dir, id), id));
        }
        HintFile.Writer activeHint = null;
        Segment active = null;
        for (int id : ids) {
            Segment s = segments.get(id);
            boolean last = id == ids.getLast();
            HintFile hint = HintFile.open(dir, id);
            if (hint != null && hint.segmentBytes() == s.sizeBytes()) {
                for (int i = 0; i < hint.count(); i++) {
                    HintFile.Entry e = hint.entry(i);
                    apply(s, e.kind(), e.offset(), e.length(), e.seq(), e.aux(), e.address());
                }
                s.seal();
                continue;
            }
            if (hint != null) {
                LOG.warn("hint of {} does not match the segment; scanning it", s);
            }
            HintFile.Writer writer = new HintFile.Writer(dir, id);
            SegmentScanner scan = SegmentScanner.scan(s.path, (h, offset) -> {
                apply(s, h.kind(), offset, h.length(), h.seq(), h.aux(), h.address());
                writer.add(h.kind(), offset, h.length(), h.seq(), h.aux(), h.address());
            });
            if (scan.validEnd() < s.sizeBytes()) {
                LOG.warn("{}: cutting off a torn tail of {} bytes at offset {}", s, s.sizeBytes() - scan.validEnd(), scan.validEnd());
                s.channel().truncate(scan.validEnd());
                s.force(); // the cut must be durable before new records are appended after it
                s.grewTo(scan.validEnd());
            }
            if (last) {
                active = s;
                activeHint = writer;
            } else {
                writer.seal(s.sizeBytes());
                s.seal();
            }
        }
        if (active == null) {
            int id = ids.isEmpty() ? 1 : ids.getLast() + 1;
            active = Segment.create(dir, id);
            SegmentLog.fsyncDirectory(dir); // the new segment's name must be durable before records in it are acknowledged
            segments.put(id, active);
            activeHint = new HintFile.Writer(dir, id);
        }
        sumLiveBytes();
        return new SegmentLog(dir, maxSegmentBytes, segments, active, activeHint, maxSeq + 1);
    }

    /** Segment ids in order; leftover in-progress hints and orphan hints are deleted. */
    private List<Integer> listSegmentsAndTidy() throws IOException {
        List<Integer> ids = new ArrayList<>();
        List<Path> hints = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                int id = Segment.idOf(name);
                if (id > 0) {
                    ids.add(id);
                } else if (name.endsWith(".hint.tmp")) {
                    Files.delete(p); // the unsealed segment's hint in progress: rebuilt by the scan
                } else if (name.endsWith(".hint")) {
                    hints.add(p);
                }
            }
        }
        ids.sort(null);
        for (Path h : hints) {
            int id = Segment.idOf(h.getFileName().toString().replace(".hint", ".seg"));
            if (!ids.contains(id)) {
                Files.delete(h); // its segment was compacted away; the crash came between the two deletes
            }
        }
        return ids;
    }

    private void apply(Segment s, byte kind, int offset, int length, long seq, long aux, Address address) {
        maxSeq = Math.max(maxSeq, seq);
        long k0 = BlockIndex.k0(address);
        long k1 = BlockIndex.k1(address);
        BlockLocator.Found f;
        try {
            f = locator.locate(address);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        switch (kind) {
            case SegmentRecord.BLOCK -> {
                if (f == null) {
                    index.insert(k0, k1, s.id, offset, length, aux);
                    space.added(length);
                } else {
                    BlockIndex.Location old = f.location();
                    index.relocate(k0, k1, old.segment(), old.offset(), s.id, offset);
                    index.setLease(k0, k1, s.id, offset, Math.max(old.lease(), aux));
                }
            }
            case SegmentRecord.TOMBSTONE -> {
                s.liveBytes.addAndGet(SegmentRecord.HEADER_BYTES);
                if (f != null && (f.damaged() || f.header().seq() < seq)) {
                    BlockIndex.Location gone = index.remove(k0, k1, f.location().segment(), f.location().offset());
                    space.removed(gone.length());
                }
            }
            case SegmentRecord.LEASE -> {
                if (f != null && aux > f.location().lease()) {
                    index.setLease(k0, k1, f.location().segment(), f.location().offset(), aux);
                }
            }
            default -> throw new IllegalStateException("unknown record kind " + kind); // readHeader refuses these
        }
    }

    private void sumLiveBytes() {
        for (int shard = 0; shard < BlockIndex.SHARDS; shard++) {
            index.forEachInShard(shard, (k0, k1, segment, offset, length, lease) ->
                    segments.get(segment).liveBytes.addAndGet(StoreState.recordBytes(length)));
        }
    }
}
