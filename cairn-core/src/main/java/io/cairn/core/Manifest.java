package io.cairn.core;

import java.util.List;

/**
 * A file: its chunks in order (SPEC §3.3). The file's address is the address of the manifest's
 * canonical JSON bytes ({@link ManifestCodec}), so the same bytes cut with the same chunk size
 * always give the same file address.
 *
 * @param size      the file's length in bytes
 * @param sha256    SHA-256 of the whole file, hex
 * @param chunkSize the size every chunk but the last has
 * @param chunks    the chunks, ordered by {@link Chunk#order()} from 0
 */
public record Manifest(long size, String sha256, int chunkSize, List<Chunk> chunks) {
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    public static final int MIN_CHUNK_SIZE = 1024;
    /** A chunk must fit in one block (SPEC §3.1: at most 4 MiB). */
    public static final int MAX_CHUNK_SIZE = 4 * 1024 * 1024;

    /** One chunk: its address, its place in the file (from 0) and its length. */
    public record Chunk(Address id, int order, int size) {}

    public Manifest {
        chunks = List.copyOf(chunks);
    }

    /** Where chunk {@code order} starts in the file. */
    public long offsetOf(int order) {
        return (long) order * chunkSize;
    }
}
