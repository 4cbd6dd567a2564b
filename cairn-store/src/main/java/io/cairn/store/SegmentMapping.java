package io.cairn.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read-only memory mapping of the first {@link #length} bytes of one segment file, in a shared
 * {@link Arena} of its own so that it can be unmapped deterministically.
 *
 * <p>Lifetime, by reference count: the {@link Segment} holds one reference while the mapping is
 * its current one; every reader takes one ({@link #tryAcquire}) for as long as it touches the
 * bytes, including while Jetty writes them to a socket. The last {@link #release} closes the
 * arena, which unmaps. So a mapping is never unmapped under a reader (which would fault), and a
 * segment that compaction retires is unmapped as soon as its last reader is done, after which
 * its disk space is really free. A reader that finds the count at zero (retired meanwhile)
 * cannot resurrect it: {@link #tryAcquire} fails and it looks the block up again.
 */
final class SegmentMapping {
    final long length;
    private final Arena arena;
    private final MemorySegment mapped;
    private final ByteBuffer bytes;
    private final AtomicInteger refs = new AtomicInteger(1); // the segment's own reference

    private SegmentMapping(Arena arena, MemorySegment mapped) {
        this.arena = arena;
        this.mapped = mapped;
        this.length = mapped.byteSize();
        this.bytes = mapped.asByteBuffer().asReadOnlyBuffer();
    }

    /** Maps {@code [0, length)} of the file; {@code length} must not pass the file's end. */
    static SegmentMapping map(Path path, long length) throws IOException {
        Arena arena = Arena.ofShared();
        // A channel of our own: the segment's read-write one may be closed by an interrupt, and
        // the mapping outlives the channel anyway.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new SegmentMapping(arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, length, arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Takes a reference; false when the mapping is already closed (or closing). */
    boolean tryAcquire() {
        for (int n = refs.get(); n > 0; n = refs.get()) {
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Drops a reference; the last one unmaps. */
    void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            arena.close();
        } else if (n < 0) {
            throw new IllegalStateException("mapping released more often than acquired");
        }
    }

    /**
     * A read-only view of {@code [offset, offset + size)}; valid while the caller holds a
     * reference. Independent position and limit, so views may be used by many threads.
     */
    ByteBuffer slice(long offset, int size) {
        return bytes.slice((int) offset, size);
    }

    /** Whether {@code [offset, offset + size)} is in memory (mincore): reading it would not wait for the disk. */
    boolean isLoaded(long offset, long size) {
        return mapped.asSlice(offset, size).isLoaded();
    }

    /** The whole mapping as one buffer (absolute reads only); valid while a reference is held. */
    ByteBuffer all() {
        return bytes.duplicate();
    }
}
