package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a byte stream into chunks of a fixed size (the last one shorter) and builds the file's
 * manifest (SPEC §3.3). Deterministic: the same bytes and chunk size always give the same chunks,
 * the same manifest bytes and so the same file address. Pure apart from reading the stream; not
 * thread-safe (one reader).
 */
public final class Chunker {
    /** One chunk as read: its place, its bytes (exactly {@code size} long) and its address. */
    public record Piece(int order, byte[] bytes, Address address) {}

    private final InputStream in;
    private final int chunkSize;
    private final MessageDigest whole = Address.sha256();
    private final List<Manifest.Chunk> chunks = new ArrayList<>();
    private long size;
    private boolean ended;
    private Manifest manifest;

    public Chunker(InputStream in, int chunkSize) {
        this.in = in;
        this.chunkSize = checkChunkSize(chunkSize);
    }

    /** Refuses chunk sizes outside 1 KiB .. 4 MiB with BAD_REQUEST. */
    public static int checkChunkSize(long chunkSize) {
        if (chunkSize < Manifest.MIN_CHUNK_SIZE || chunkSize > Manifest.MAX_CHUNK_SIZE) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "chunk size must be between "
                    + Manifest.MIN_CHUNK_SIZE + " and " + Manifest.MAX_CHUNK_SIZE + " bytes, got " + chunkSize);
        }
        return (int) chunkSize;
    }

    /** The next chunk, or null at the end of the stream. */
    public Piece next() throws IOException {
        if (ended) {
            return null;
        }
        byte[] buffer = in.readNBytes(chunkSize);
        if (buffer.length < chunkSize) {
            ended = true;
            if (buffer.length == 0) {
                return null;
            }
        }
        byte[] bytes = buffer.length == chunkSize ? buffer : Arrays.copyOf(buffer, buffer.length);
        whole.update(bytes);
        Address address = Address.of(bytes);
        Piece piece = new Piece(chunks.size(), bytes, address);
        chunks.add(new Manifest.Chunk(address, piece.order(), bytes.length));
        size += bytes.length;
        return piece;
    }

    /** The manifest of everything read; call after {@link #next()} returned null. */
    public Manifest manifest() {
        if (!ended) {
            throw new IllegalStateException("the stream has not been read to its end");
        }
        if (manifest == null) {
            manifest = new Manifest(size, Hex.encode(whole.digest()), chunkSize, chunks);
        }
        return manifest;
    }

    /** The manifest of a whole stream, without storing anything: what `put` would address it as. */
    public static Manifest manifestOf(InputStream in, int chunkSize) throws IOException {
        Chunker c = new Chunker(in, chunkSize);
        while (c.next() != null) {
            // only the manifest is wanted
        }
        return c.manifest();
    }

    /** The file address of a manifest: the address of its canonical bytes. */
    public static Address addressOf(Manifest manifest) {
        return Address.of(ManifestCodec.encode(manifest));
    }
}
