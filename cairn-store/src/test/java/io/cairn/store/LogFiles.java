package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a closed (or quiet) store's segment files from the outside, as recovery would. */
final class LogFiles {
    /** One record found by a scan. */
    record Scanned(byte kind, int offset, int length, Address address) {}

    private LogFiles() {}

    /** Every record of the segment that a scan accepts, in order. */
    static List<Scanned> records(Path segment) {
        List<Scanned> out = new ArrayList<>();
        scan(segment, out);
        return out;
    }

    /** The end of the segment's last valid record (what follows it is padding or a torn tail). */
    static long validEnd(Path segment) {
        return scan(segment, new ArrayList<>()).validEnd();
    }

    private static SegmentScanner scan(Path segment, List<Scanned> out) {
        try {
            SegmentScanner s = SegmentScanner.scan(segment, (h, offset) -> out.add(new Scanned(h.kind(), offset, h.length(), h.address())));
            if (s.skippedBytes() != 0) {
                throw new AssertionError(segment + ": " + s.skippedBytes() + " damaged bytes in the middle");
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many BLOCK records each address has, over every segment of the store in {@code dir}. */
    static Map<Address, Integer> blockRecordsPerAddress(Path dir) {
        Map<Address, Integer> counts = new HashMap<>();
        for (Path seg : TestStores.segmentFiles(dir)) {
            for (Scanned r : records(seg)) {
                if (r.kind() == SegmentRecord.BLOCK) {
                    counts.merge(r.address(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    static int idOf(Path segment) {
        return Segment.idOf(segment.getFileName().toString());
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of {@code file} in {@code [from, to)}. */
    static byte[] bytes(Path file, long from, long to) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(to - from));
            while (b.hasRemaining()) {
                if (ch.read(b, from + b.position()) < 0) {
                    throw new IOException(file + " ends before " + to);
                }
            }
            return b.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
