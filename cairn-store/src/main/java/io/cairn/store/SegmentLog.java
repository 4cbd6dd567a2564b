package io.cairn.store;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only log of segments: appends records to the active segment, seals it when full,
 * and acknowledges durability by group commit ({@link GroupCommitter}).
 *
 * <p>Appends are serialized by one lock. Where the file system takes direct I/O (ext4, xfs: the
 * usual case) a record is copied into a {@link DirectTail} and the group commit's leader writes
 * all staged records in one aligned {@code O_DIRECT} write before its fsync; the page cache is
 * bypassed, and with it the largest single cost of an append on our VMs, the copy into fresh
 * page-cache pages (docs/DECISIONS.md 102). A failed write drops exactly the records staged since
 * the last good one: their writers get the error (507 for a full disk), the file is cut back,
 * later appends go on.
 *
 * <p>Elsewhere (file systems without O_DIRECT) the record is written through the page cache at
 * once; holding the lock across that copy costs microseconds, while the fsync, which costs
 * milliseconds, happens outside the lock and is shared. Holding the lock across the write is also what makes a failed write
 * safe: nothing can be appended after a torn record before it is cut off again ({@link #append}
 * truncates back on failure), so a full disk answers 507 and leaves the log as it was.
 *
 * <p>Limits: a record is at most 68 + 4 MiB; a segment is sealed before it would pass
 * {@code maxSegmentBytes} (default 256 MiB, at most {@link Segment#MAX_BYTES}).
 */
final class SegmentLog {
    static final long DEFAULT_SEGMENT_BYTES = 256L * 1024 * 1024;

    /** Where an append landed, and the ticket to wait on for its durability. */
    record Appended(int segment, int offset, long ticket, long seq) {}

    private final Path dir;
    private final long maxSegmentBytes;
    private final ConcurrentSkipListMap<Integer, Segment> segments;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final GroupCommitter committer;
    private Segment active;
    private long activeEnd;
    private HintFile.Writer hint;
    private long nextSeq;
    private long appendedTicket;
    /** The direct-I/O tail of the active segment, or null when appends go through the page cache. */
    private DirectTail tail;
    /** Every ticket up to here is in the file (written, maybe not yet forced). */
    private long writtenTicket;

    SegmentLog(Path dir, long maxSegmentBytes, ConcurrentSkipListMap<Integer, Segment> segments, Segment active,
               HintFile.Writer hint, long nextSeq) {
        if (maxSegmentBytes > Segment.MAX_BYTES - SegmentRecord.HEADER_BYTES - SegmentRecord.MAX_CONTENT_BYTES || maxSegmentBytes < 4096) {
            // a record bigger than the limit gets a segment of its own, so the file may pass it by one record
            throw new IllegalArgumentException("segment size must be between 4 KiB and 1 GiB - 4 MiB, got " + maxSegmentBytes);
        }
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
        this.segments = segments;
        this.active = active;
        this.activeEnd = active.sizeBytes();
        this.hint = hint;
        this.nextSeq = nextSeq;
        this.committer = new GroupCommitter(this::syncActive, 0);
        this.tail = openTail(active, activeEnd);
    }

    private static DirectTail openTail(Segment segment, long end) {
        try {
            return DirectTail.open(segment.path, end);
        } catch (IOException e) {
            throw SegmentRecord.storageFailure("opening " + segment + " for direct writes", e);
        }
    }

    /**
     * Appends one record. {@code seq} < 0 takes the next sequence number; compaction passes the
     * original's to keep it. Returns before the record is durable: call {@link #awaitDurable}.
     */
    Appended append(byte kind, Address address, long seq, long aux, ByteBuffer content, int contentCrc) {
        return append(kind, address, seq, aux, content, contentCrc, false);
    }

    /**
     * As above; {@code pin} marks the segment as holding a block that is about to enter the index,
     * so compaction does not take the segment away first. The caller unpins it.
     */
    Appended append(byte kind, Address address, long seq, long aux, ByteBuffer content, int contentCrc, boolean pin) {
        int length = content == null ? 0 : content.remaining();
        int recordBytes = SegmentRecord.HEADER_BYTES + length;
        appendLock.lock();
        boolean interrupted = Thread.interrupted(); // an interrupt during a write closes the channel for all
        try {
            if (committer.failed()) {
                throw new CairnException(ErrorCode.INTERNAL, "an fsync failed; the store refuses writes until reopened");
            }
            if (activeEnd > 0 && activeEnd + recordBytes > maxSegmentBytes) {
                roll();
            }
            long s = seq >= 0 ? seq : nextSeq++;
            ByteBuffer header = SegmentRecord.header(kind, address, s, aux, length, contentCrc);
            ByteBuffer body = content == null ? ByteBuffer.allocate(0) : content.duplicate();
            long at = activeEnd;
            if (tail != null) {
                stage(recordBytes, header, body);
            } else {
                writeThrough(at, header, body);
            }
            hint.add(kind, (int) at, length, s, aux, address);
            activeEnd = at + recordBytes;
            if (tail == null) {
                active.grewTo(activeEnd);
            }
            if (pin) {
                active.pins.incrementAndGet();
            }
            appendedTicket += recordBytes;
            return new Appended(active.id, (int) at, appendedTicket, s);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            appendLock.unlock();
        }
    }

    private void writeThrough(long at, ByteBuffer header, ByteBuffer body) {
        FileChannel ch = active.channel();
        try {
            ch.position(at);
            ByteBuffer[] parts = {header, body};
            while (body.hasRemaining() || header.hasRemaining()) {
                ch.write(parts);
            }
        } catch (IOException e) {
            cutBack(ch, at);
            throw SegmentRecord.storageFailure("appending to " + active, e);
        }
    }

    /** Copies a record into the direct tail, writing out what is staged first when it is full. */
    private void stage(int recordBytes, ByteBuffer header, ByteBuffer body) {
        if (!tail.fits(recordBytes)) {
            try {
                writeTail();
            } catch (IOException e) {
                throw SegmentRecord.storageFailure("appending to " + active, e);
            }
            tail.makeRoomFor(recordBytes);
        }
        tail.append(header, body);
    }

    /**
     * Writes the staged records to the active segment (under the append lock). On failure the
     * records staged since the last good write are dropped: the file is cut back to where they
     * began, the hint is given up (recovery will scan the segment), and their writers are told
     * through the committer.
     */
    private void writeTail() throws IOException {
        try {
            tail.write();
        } catch (IOException e) {
            tail.dropUnwritten();
            activeEnd = tail.end();
            cutBack(active.channel(), activeEnd);
            hint.invalidate();
            committer.discard(writtenTicket, appendedTicket, e);
            writtenTicket = appendedTicket;
            throw e;
        }
        writtenTicket = appendedTicket;
        active.grewTo(tail.written());
    }

    /**
     * Makes a just appended record readable from the file before anything points at it
     * (compaction relocates blocks before their group commit). Costs a write only in direct mode.
     */
    void makeReadable(Appended appended) {
        appendLock.lock();
        try {
            if (committer.anyLost(appended.ticket() - 1, appended.ticket())) {
                // dropped by a failed write before anyone asked: its offset may hold another record by now
                throw new CairnException(ErrorCode.INTERNAL, "a record in " + active + " was dropped by a failed write");
            }
            if (tail != null && appended.segment() == active.id && appended.offset() >= tail.written()) {
                writeTail();
            }
        } catch (IOException e) {
            throw SegmentRecord.storageFailure("writing to " + active, e);
        } finally {
            appendLock.unlock();
        }
    }

    /** Removes a torn record after a failed write so the next append starts on a record boundary. */
    private void cutBack(FileChannel ch, long at) {
        try {
            if (!ch.isOpen()) {
                active.reopenIfClosed(ch);
            }
            active.channel().truncate(at);
        } catch (IOException e) {
            // The torn bytes stay; the next append overwrites them at the same position (we never
            // moved activeEnd), and recovery's CRC checks would refuse them anyway.
        }
    }

    /**
     * Seals the active segment and starts the next. Order matters: the new file and its directory
     * entry first (if the disk is full, nothing has changed), then fsync the old segment (its
     * records must be durable before its hint claims them), then the hint.
     */
    private void roll() {
        Segment next;
        try {
            if (tail != null) {
                writeTail();
                active.channel().truncate(activeEnd); // drop the padding of the last block
            }
            next = Segment.create(dir, active.id + 1);
            fsyncDirectory(dir); // the new segment's name must survive a crash before any record in it is acknowledged
            active.force(); // sealing: every record of the old segment is durable from here on
        } catch (IOException e) {
            throw SegmentRecord.storageFailure("starting segment " + (active.id + 1), e);
        }
        committer.markDurable(appendedTicket);
        hint.seal(activeEnd);
        active.seal();
        segments.put(next.id, next);
        active = next;
        activeEnd = 0;
        if (tail != null) {
            tail.close();
            tail = openTail(next, 0);
        }
        try {
            hint = new HintFile.Writer(dir, next.id);
        } catch (IOException e) {
            throw SegmentRecord.storageFailure("starting the hint of " + next, e);
        }
    }

    /** The {@link GroupCommitter.Syncer}: forces the active segment, covering every earlier ticket. */
    private long syncActive() throws IOException {
        Segment s;
        long ticket;
        appendLock.lock();
        try {
            if (tail != null && tail.hasUnwritten()) {
                try {
                    writeTail();
                } catch (IOException e) {
                    // the dropped records' writers were told; what was written before still needs the fsync
                }
            }
            s = active;
            ticket = appendedTicket;
        } finally {
            appendLock.unlock();
        }
        s.force(); // one fsync acknowledges every record appended before it: the group commit
        return ticket;
    }

    void awaitDurable(long ticket) {
        committer.awaitDurable(ticket);
    }

    /** Whether a failed direct write dropped any record with a ticket in {@code (from, to]}. */
    boolean anyLost(long from, long to) {
        return committer.anyLost(from, to);
    }

    /** Makes everything appended so far durable (lease renewals included). */
    void sync() {
        committer.awaitDurable(appendedTicket());
    }

    /** The ticket of the last append. */
    long appendedTicket() {
        appendLock.lock();
        try {
            return appendedTicket;
        } finally {
            appendLock.unlock();
        }
    }

    Segment segment(int id) {
        return segments.get(id);
    }

    int activeId() {
        appendLock.lock();
        try {
            return active.id;
        } finally {
            appendLock.unlock();
        }
    }

    /** Sealed segments, oldest first. */
    List<Segment> sealedSegments() {
        List<Segment> sealed = new ArrayList<>();
        for (Segment s : segments.values()) {
            if (s.isSealed()) {
                sealed.add(s);
            }
        }
        return sealed;
    }

    NavigableMap<Integer, Segment> segments() {
        return segments;
    }

    /** The smallest id of an existing segment other than {@code except}; MAX_VALUE when none. */
    int oldestSegmentIdExcept(int except) {
        for (int id : segments.keySet()) {
            if (id != except) {
                return id;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * Deletes a compacted segment and its hint. The directory fsync makes the deletion durable
     * before compaction relies on it: tombstones are dropped once the segments they guard are
     * gone, so a deleted segment must never reappear after a crash.
     */
    void retire(Segment s) throws IOException {
        segments.remove(s.id);
        s.retire();
        Files.deleteIfExists(HintFile.pathOf(dir, s.id));
        Files.deleteIfExists(s.path);
        fsyncDirectory(dir);
    }

    /** Flushes and closes every segment. The active one stays unsealed; the next open scans its tail. */
    void close() {
        appendLock.lock();
        try {
            try {
                if (tail != null) {
                    writeTail();
                    active.channel().truncate(activeEnd); // the next open finds no padding to cut off
                }
                active.force(); // renewals appended since the last group commit
            } catch (IOException | RuntimeException e) {
                // closing anyway; the lost renewals only shorten leases
            }
            hint.abandon();
            if (tail != null) {
                tail.close();
            }
            for (Segment s : segments.values()) {
                s.close();
            }
        } finally {
            appendLock.unlock();
        }
    }

    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (ClosedChannelException e) {
            throw new IOException("interrupted while syncing " + directory, e);
        }
    }
}
