package io.cairn.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment file, {@code segments/<id as 8 hex digits>.seg}: records appended one after the
 * other (see {@link SegmentRecord}), never modified in place. The newest segment is the active
 * one the log appends to; older ones are sealed and have a hint file ({@link HintFile}). Positional
 * reads are safe from many threads; only the log writes.
 *
 * <p>Limits: a segment holds at most {@link #MAX_BYTES} so offsets fit in an int.
 */
final class Segment {
    static final long MAX_BYTES = 1L << 30;
    final int id;
    final Path path;
    private volatile FileChannel channel;
    private volatile boolean retired;
    /** Bytes of the records the index points at plus retained tombstones; the rest is garbage. */
    final AtomicLong liveBytes = new AtomicLong();
    /** Appended blocks not yet in the index; compaction leaves a pinned segment alone. */
    final java.util.concurrent.atomic.AtomicInteger pins = new java.util.concurrent.atomic.AtomicInteger();
    /** Bytes written so far (for a sealed segment, its final length). */
    private volatile long sizeBytes;
    private volatile boolean sealed;
    /** The current mapping of a prefix of the file, or null; replaced only under {@code this}. */
    private volatile SegmentMapping mapping;
    private long lastRemapNanos;
    /** False once closed or retired: no new mapping may be made (it would never be unmapped). */
    private boolean mappable = true;
    /** The active segment is remapped at most this often; reads past its mapping copy meanwhile. */
    static final long REMAP_INTERVAL_NANOS = 10_000_000;

    private Segment(int id, Path path, FileChannel channel, long sizeBytes) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
    }

    static String fileName(int id) {
        return String.format("%08x.seg", id);
    }

    static Path pathOf(Path dir, int id) {
        return dir.resolve(fileName(id));
    }

    /** Parses the id from a segment file name, or -1 when the name is not one. */
    static int idOf(String fileName) {
        if (!fileName.matches("[0-9a-f]{8}\\.seg")) {
            return -1;
        }
        return (int) Long.parseLong(fileName.substring(0, 8), 16);
    }

    static Segment create(Path dir, int id) throws IOException {
        Path path = pathOf(dir, id);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, path, ch, 0);
    }

    static Segment open(Path path, int id) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, path, ch, ch.size());
    }

    long sizeBytes() {
        return sizeBytes;
    }

    void grewTo(long size) {
        sizeBytes = size;
    }

    boolean isSealed() {
        return sealed;
    }

    void seal() {
        sealed = true;
    }

    /** Live fraction of the file; 1 for an empty segment so that it is never picked for compaction. */
    double liveRatio() {
        long size = sizeBytes;
        return size == 0 ? 1.0 : (double) liveBytes.get() / size;
    }

    FileChannel channel() {
        return channel;
    }

    /**
     * Replaces a channel that was closed under us. A thread interrupted during FileChannel I/O
     * closes the channel for every thread (JDK behaviour), so one interrupted request must not
     * take the segment down: the next user reopens it. Retired segments stay closed.
     */
    synchronized void reopenIfClosed(FileChannel failed) throws IOException {
        if (retired) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (channel == failed && !failed.isOpen()) {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
    }

    boolean isRetired() {
        return retired;
    }

    /**
     * A mapping covering {@code [0, end)} with a reference taken for the caller (who releases
     * it), or null: the segment is retired, {@code end} passes what was written, the file cannot
     * be mapped, or the active segment was remapped less than {@link #REMAP_INTERVAL_NANOS} ago.
     * Null is never an error; the caller falls back to a copying read.
     *
     * <p>Why remap instead of mapping ahead: mapping past the end of the file would make a read
     * there fault, and mapping read-write would grow the file. The active segment is mapped up to
     * its current length and remapped as it grows, rate-limited because each replaced mapping
     * costs an unmap (a thread handshake when the shared arena closes).
     */
    SegmentMapping acquireMapping(long end) {
        SegmentMapping m = mapping;
        if (m != null && m.length >= end && m.tryAcquire()) {
            return m;
        }
        return remap(end);
    }

    private synchronized SegmentMapping remap(long end) {
        SegmentMapping m = mapping;
        if (m != null && m.length >= end && m.tryAcquire()) {
            return m; // another reader remapped meanwhile
        }
        long size = sizeBytes;
        long now = System.nanoTime();
        if (!mappable || end > size || (m != null && now - lastRemapNanos < REMAP_INTERVAL_NANOS)) {
            return null;
        }
        SegmentMapping fresh;
        try {
            fresh = SegmentMapping.map(path, size);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        lastRemapNanos = now;
        mapping = fresh;
        if (m != null) {
            m.release(); // the segment's reference; unmapped when its last reader is done
        }
        fresh.tryAcquire();
        return fresh;
    }

    private synchronized void dropMapping() {
        mappable = false;
        SegmentMapping m = mapping;
        mapping = null;
        if (m != null) {
            m.release();
        }
    }

    /** Reads exactly {@code length} bytes at {@code offset}. */
    ByteBuffer read(long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        readFully(buf, offset);
        return buf.flip();
    }

    void readFully(ByteBuffer buf, long offset) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel;
                int start = buf.position();
                try {
                    long at = offset;
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, at);
                        if (n < 0) {
                            throw new EOFException("segment " + id + " ends before offset " + at);
                        }
                        at += n;
                    }
                    return;
                } catch (java.nio.channels.ClosedChannelException e) {
                    if (attempt >= 2) {
                        throw e;
                    }
                    interrupted |= Thread.interrupted(); // else the retry is closed again
                    reopenIfClosed(ch);
                    buf.position(start);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The decoded header at {@code offset}, or null when it is not a valid header. */
    SegmentRecord.Header header(long offset) throws IOException {
        SegmentMapping m = acquireMapping(offset + SegmentRecord.HEADER_BYTES);
        if (m != null) {
            try {
                return SegmentRecord.readHeader(m.all(), (int) offset);
            } finally {
                m.release();
            }
        }
        try {
            return SegmentRecord.readHeader(read(offset, SegmentRecord.HEADER_BYTES), 0);
        } catch (EOFException e) {
            return null;
        }
    }

    /** fdatasync: also persists the file length, which is all the metadata a reader needs. */
    void force() throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel;
                try {
                    ch.force(false);
                    return;
                } catch (java.nio.channels.ClosedChannelException e) {
                    if (attempt >= 2) {
                        throw e;
                    }
                    // the dirty pages belong to the file, not the descriptor: a new one flushes them
                    interrupted |= Thread.interrupted();
                    reopenIfClosed(ch);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closes for good: the segment was compacted away. */
    synchronized void retire() {
        retired = true;
        close();
    }

    /** Closes the channel and drops the segment's reference to its mapping (readers keep theirs). */
    void close() {
        dropMapping();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read-mostly channel; nothing to recover
        }
    }

    @Override
    public String toString() {
        return "segment " + id;
    }
}
