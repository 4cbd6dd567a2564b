package io.cairn.store;

import io.cairn.core.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Opens stores for tests: small segments so that sealing and compaction happen with little data. */
final class TestStores {
    static final long SMALL_SEGMENT_BYTES = 64 * 1024;

    private TestStores() {}

    static SegmentBlockStore open(Path dir, Clock clock) {
        return open(dir, clock, 0, SMALL_SEGMENT_BYTES);
    }

    static SegmentBlockStore open(Path dir, Clock clock, long capacityBytes, long segmentBytes) {
        return SegmentBlockStore.open(new StoreConfig(dir, capacityBytes, clock), new StoreOptions(segmentBytes, 42, 0.5));
    }

    static Path segmentsDir(Path dir) {
        return dir.resolve("segments");
    }

    static List<Path> segmentFiles(Path dir) {
        try (Stream<Path> files = Files.list(segmentsDir(dir))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path lastSegment(Path dir) {
        return segmentFiles(dir).getLast();
    }

    /** Flips one bit of the file at {@code offset}. */
    static void flipBit(Path file, long offset) {
        try {
            byte[] all = Files.readAllBytes(file);
            all[(int) offset] ^= 0x10;
            Files.write(file, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
