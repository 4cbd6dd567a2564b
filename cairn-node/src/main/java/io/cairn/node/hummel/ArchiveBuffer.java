package io.cairn.node.hummel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a build writes one archive before it is stored: in memory up to {@code memoryBytes}, then
 * in a temp file (DECISIONS 87). Most archives of a tree are small, and a temp file per archive
 * cost a create, a write, a read back and an unlink through the kernel for bytes that go straight
 * on to the cluster. Not thread-safe: one per file being read. {@link #close} ends the writing
 * (the gzip stream closes it), {@link #delete} drops the bytes and the temp file.
 */
final class ArchiveBuffer extends OutputStream {
    static final int PIECE_BYTES = 256 * 1024;

    private final Path tmpDir;
    private final long memoryBytes;
    private final List<byte[]> pieces = new ArrayList<>();
    private byte[] piece;
    private int pieceUsed;
    private long size;
    private Path spill;
    private OutputStream spillOut;

    ArchiveBuffer(Path tmpDir, long memoryBytes) {
        this.tmpDir = tmpDir;
        this.memoryBytes = memoryBytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (spillOut == null && size + len > memoryBytes) {
            spill();
        }
        size += len;
        if (spillOut != null) {
            spillOut.write(b, off, len);
            return;
        }
        while (len > 0) {
            if (piece == null || pieceUsed == piece.length) {
                piece = new byte[PIECE_BYTES];
                pieceUsed = 0;
                pieces.add(piece);
            }
            int n = Math.min(len, piece.length - pieceUsed);
            System.arraycopy(b, off, piece, pieceUsed, n);
            pieceUsed += n;
            off += n;
            len -= n;
        }
    }

    private void spill() throws IOException {
        spill = Files.createTempFile(tmpDir, "build-", ".gz");
        spillOut = new java.io.BufferedOutputStream(Files.newOutputStream(spill), 64 * 1024);
        for (byte[] p : pieces) {
            spillOut.write(p, 0, p == piece ? pieceUsed : p.length);
        }
        pieces.clear();
        piece = null;
    }

    /** Bytes written. */
    long size() {
        return size;
    }

    /** Whether the bytes went to a temp file (for tests). */
    boolean spilled() {
        return spill != null;
    }

    /** The bytes written, from the start; call after the last write. */
    InputStream open() throws IOException {
        if (spill != null) {
            spillOut.flush();
            return Files.newInputStream(spill);
        }
        List<InputStream> in = new ArrayList<>(pieces.size());
        for (byte[] p : pieces) {
            in.add(new ByteArrayInputStream(p, 0, p == piece ? pieceUsed : p.length));
        }
        return new SequenceInputStream(Collections.enumeration(in));
    }

    @Override
    public void close() throws IOException {
        if (spillOut != null) {
            spillOut.close();
        }
    }

    /** Drops the bytes; deletes the temp file if there is one. */
    void delete() throws IOException {
        pieces.clear();
        piece = null;
        close();
        if (spill != null) {
            Files.deleteIfExists(spill);
        }
    }
}
