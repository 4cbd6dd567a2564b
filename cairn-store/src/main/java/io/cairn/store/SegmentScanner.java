package io.cairn.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a segment record by record, checking both CRCs, when there is no hint to trust: the
 * unsealed tail after a crash, or a sealed segment whose hint is missing or damaged.
 *
 * <p>Algorithm: walk the chain of headers. A record is accepted when its header CRC holds, it
 * fits in the file, and (for a BLOCK) its content CRC holds. At the first bad record, look for the
 * next offset where a valid record starts ("resync"); if there is one, the bad stretch is skipped
 * (left in place, never rewritten) and the walk continues; if there is none, the bad stretch is a
 * torn tail and {@link #validEnd} marks where it starts so the caller can cut it off. A crash
 * (kill -9 or power loss) can only tear records after the last fsync, which are never
 * acknowledged, so cutting the tail loses nothing that was promised.
 *
 * <p>After a resync a BLOCK record is also SHA-256-checked against its address, because the
 * resync could have landed inside the content of a damaged block, and a client could have
 * uploaded content that looks like a record.
 */
final class SegmentScanner {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentScanner.class);

    /** Receives every accepted record. */
    interface RecordVisitor {
        void visit(SegmentRecord.Header header, int offset);
    }

    private final ByteBuffer map;
    private final int size;
    private int validEnd;
    private long skippedBytes;

    private SegmentScanner(ByteBuffer map) {
        this.map = map;
        this.size = map.limit();
    }

    static SegmentScanner scan(Path path, RecordVisitor visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            SegmentScanner scanner = new SegmentScanner(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
            scanner.run(visitor, path);
            return scanner;
        }
    }

    /** Scans bytes already in memory (tests). */
    static SegmentScanner scan(ByteBuffer bytes, RecordVisitor visitor) {
        SegmentScanner scanner = new SegmentScanner(bytes.slice());
        scanner.run(visitor, null);
        return scanner;
    }

    private void run(RecordVisitor visitor, Path path) {
        int pos = 0;
        boolean resynced = false;
        while (pos < size) {
            SegmentRecord.Header h = accept(pos, resynced);
            if (h != null) {
                visitor.visit(h, pos);
                pos += h.recordBytes();
                validEnd = pos;
                continue;
            }
            int next = resync(pos + 1);
            if (next < 0) {
                break; // a torn tail: everything from validEnd on is cut off by the caller
            }
            LOG.warn("{}: skipped {} damaged bytes at offset {}", path, next - pos, pos);
            skippedBytes += next - pos;
            resynced = true;
            pos = next;
        }
    }

    private SegmentRecord.Header accept(int pos, boolean verifyHash) {
        SegmentRecord.Header h = SegmentRecord.readHeader(map, pos);
        if (h == null || (long) pos + h.recordBytes() > size) {
            return null;
        }
        if (h.kind() == SegmentRecord.BLOCK) {
            ByteBuffer content = map.slice(pos + SegmentRecord.HEADER_BYTES, h.length());
            if (SegmentRecord.contentCrc(content) != h.contentCrc()) {
                return null;
            }
            if (verifyHash && !h.address().matches(content)) {
                return null;
            }
        }
        return h;
    }

    private int resync(int from) {
        for (int p = from; p + SegmentRecord.HEADER_BYTES <= size; p++) {
            if (map.getInt(p) == SegmentRecord.MAGIC && accept(p, true) != null) {
                return p;
            }
        }
        return -1;
    }

    /** The end of the last accepted record: what follows is a torn tail. */
    int validEnd() {
        return validEnd;
    }

    long skippedBytes() {
        return skippedBytes;
    }

}
