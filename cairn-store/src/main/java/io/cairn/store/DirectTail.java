package io.cairn.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The not-yet-written tail of the active segment, staged in memory and written with direct I/O
 * ({@code O_DIRECT}): appends copy their record here, and the group commit's leader writes
 * everything staged in one aligned write before its fsync.
 *
 * <p>Why: a buffered append copies each 64 KiB record into freshly allocated page-cache pages.
 * On this project's VMs that copy was the single largest cost of a PUT: {@code perf} put 34 % of
 * a 3-node cluster's CPU in {@code copy_folio_from_iter_atomic} alone, about 136 µs per 64 KiB
 * append, and page allocation and zeroing on top (docs/BENCHMARKS.md, "Sixth session"). A direct
 * write hands the staged pages to the device instead: {@code dd} of 1 GiB took 1.0–2.8 s of
 * system time buffered and 0.15 s direct with 1 MiB writes. Batching matters as much as
 * bypassing the cache (0.52 s with 64 KiB direct writes), hence the stage and not one direct
 * write per record.
 *
 * <p>Layout: the stage holds the file's bytes {@code [base, end)}, where {@code base} is aligned
 * to the file system's block size. A write covers {@code [base, roundUp(end))}: the last,
 * partial block goes out padded with zeros and stays staged, so the next write rewrites it with
 * the records appended since. The file therefore briefly ends in up to one block of zeros past
 * the last record; the segment is cut back to its logical end when sealed or closed, and after a
 * crash recovery cuts the zeros off as a torn tail. Bytes are readable from the file only once
 * written ({@link #written}): the log indexes a record only after its group commit, and
 * compaction asks for a write before it relocates a block.
 *
 * <p>Not thread-safe: the log's append lock guards every call. Memory: the stage starts at
 * {@link #INITIAL_BYTES} and grows to fit the largest record; it is freed on {@link #close}.
 */
final class DirectTail implements AutoCloseable {
    static final int INITIAL_BYTES = 1024 * 1024;
    /** Staging beyond this is written out before more is appended. */
    static final int MAX_STAGED_BYTES = 8 * 1024 * 1024;
    private static final int MAX_ALIGNMENT = 64 * 1024;
    private static final byte[] ZEROS = new byte[MAX_ALIGNMENT];

    private final Path path;
    private final int alignment;
    private FileChannel channel;
    private Arena arena;
    private ByteBuffer stage;
    private long base;
    private long end;
    private long writtenEnd;

    private DirectTail(Path path, FileChannel channel, int alignment, long end) throws IOException {
        this.path = path;
        this.channel = channel;
        this.alignment = alignment;
        allocate(INITIAL_BYTES);
        this.base = end - end % alignment;
        this.end = end;
        this.writtenEnd = end;
        int partial = (int) (end - base);
        if (partial > 0) { // the records already in the partial block are rewritten with it
            ByteBuffer head = stage.duplicate().limit(partial);
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
                while (head.hasRemaining()) {
                    if (in.read(head, base + head.position()) < 0) {
                        throw new IOException(path + " is shorter than " + end + " bytes");
                    }
                }
            }
        }
    }

    /**
     * A direct-I/O tail for the segment at {@code path} whose records end at {@code end}, or null
     * when the file system refuses {@code O_DIRECT} (tmpfs before Linux 6.6, some network file systems) or it is switched off with
     * {@code -Dcairn.store.directIo=false}: the log then appends through the page cache.
     */
    static DirectTail open(Path path, long end) throws IOException {
        if (!Boolean.parseBoolean(System.getProperty("cairn.store.directIo", "true"))) {
            return null;
        }
        int alignment;
        FileChannel ch;
        try {
            alignment = Math.toIntExact(Files.getFileStore(path).getBlockSize());
            ch = openDirect(path);
        } catch (UnsupportedOperationException | IOException | ArithmeticException e) {
            return null;
        }
        if (alignment <= 0 || Integer.bitCount(alignment) != 1 || alignment > MAX_ALIGNMENT) {
            ch.close();
            return null;
        }
        try {
            return new DirectTail(path, ch, alignment, end);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static FileChannel openDirect(Path path) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
        return FileChannel.open(path, options);
    }

    /** The logical end: every record appended so far. */
    long end() {
        return end;
    }

    /** Where the bytes in the file stop being the log's: everything before it is written. */
    long written() {
        return writtenEnd;
    }

    boolean hasUnwritten() {
        return end > writtenEnd;
    }

    /** True when {@code bytes} more fit without writing out first. */
    boolean fits(int bytes) {
        long needed = end - base + bytes + alignment; // + the padding of the last block
        return needed <= stage.capacity();
    }

    /** Grows the stage, when it is empty but for the partial block, so that {@code bytes} fit. */
    void makeRoomFor(int bytes) {
        long needed = end - base + bytes + alignment;
        if (needed <= stage.capacity()) {
            return;
        }
        if (needed > Integer.MAX_VALUE - alignment) {
            throw new IllegalArgumentException("record of " + bytes + " bytes does not fit a stage");
        }
        int partial = (int) (end - base);
        ByteBuffer old = stage;
        Arena oldArena = arena;
        allocate((int) Math.max(needed, Math.min((long) MAX_STAGED_BYTES, 2L * old.capacity())));
        stage.put(0, old, 0, partial);
        oldArena.close();
    }

    /** Copies one record (its parts in order) into the stage; the caller checked {@link #fits}. */
    void append(ByteBuffer... parts) {
        int at = (int) (end - base);
        for (ByteBuffer p : parts) {
            int n = p.remaining();
            stage.put(at, p, p.position(), n);
            at += n;
        }
        end = base + at;
    }

    /**
     * Writes everything staged to the file, then keeps only the partial last block staged.
     * On failure nothing is dropped; the caller decides ({@link #dropUnwritten}).
     */
    void write() throws IOException {
        if (!hasUnwritten()) {
            return;
        }
        int used = (int) (end - base);
        int padded = (used + alignment - 1) & -alignment;
        stage.put(used, ZEROS, 0, padded - used); // zeros after the last record, never stale bytes
        ByteBuffer out = stage.duplicate().position(0).limit(padded);
        boolean interrupted = Thread.interrupted(); // an interrupt during a write would close the channel
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    while (out.hasRemaining()) {
                        channel.write(out, base + out.position());
                    }
                    break;
                } catch (ClosedChannelException e) {
                    if (attempt >= 2) {
                        throw e;
                    }
                    interrupted |= Thread.interrupted();
                    channel = openDirect(path); // positional writes: repeating one is harmless
                    out.position(0);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        writtenEnd = end;
        long newBase = end - end % alignment;
        int keep = (int) (end - newBase);
        stage.put(0, stage, (int) (newBase - base), keep);
        base = newBase;
    }

    /** Forgets what was appended but not written (a failed write); the log goes on at {@link #written}. */
    void dropUnwritten() {
        end = writtenEnd;
    }

    private void allocate(int bytes) {
        int size = (bytes + alignment - 1) & -alignment;
        arena = Arena.ofShared();
        stage = arena.allocate(size, alignment).asByteBuffer();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the data went out through write(); closing only releases the descriptor
        }
        arena.close();
    }
}
