package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * get (ARCHITECTURE "How data flows"): fetches the block at an address from its replicas (failing
 * over to the next, then to every other node worth asking); when it is a manifest, fetches the
 * chunks in parallel, each verified against its address on arrival, and checks the whole file's
 * SHA-256 against the manifest before anything becomes visible.
 *
 * <p>To a path: chunks are written at their offsets into a temp file beside the target (so the
 * final rename is atomic on one file system) while an {@link InOrderDigest} hashes them in file
 * order as they arrive; the file is moved into place only when that whole-file hash matches the
 * manifest; on any failure the temp file is deleted and the target is untouched. The file is not
 * forced to disk (as curl, wget, cp and rsync do not by default; docs/DECISIONS.md, "Downloads are
 * not forced to disk"): a download is a copy of data the cluster keeps, and the rename makes it
 * appear whole or not at all.
 * To a stream: chunks are fetched ahead within a bounded window and written in order; the
 * whole-file hash is checked at the end (a failure then is reported, but bytes already left).
 *
 * <p>A block that is not a manifest is a file by itself (a single-block object) and is written
 * as is. Memory is bounded by {@code maxChunksInFlight} chunks.
 */
public final class FileDownloader {
    /** The most chunks planned into read batches at once: 8 MiB of 64 KiB chunks, split over their nodes. */
    static final int MAX_SLICE = 128;

    /** What an address names: a file (its manifest) or a single block. */
    public record Fetched(Address address, Manifest manifest, byte[] block) {
        public boolean isFile() {
            return manifest != null;
        }

        public long size() {
            return manifest != null ? manifest.size() : block.length;
        }
    }

    private final ClusterView view;
    private final BlockClient blocks;
    private final int maxChunksInFlight;
    private final ChunkReads reads;

    public FileDownloader(ClusterView view, BlockClient blocks, int maxChunksInFlight) {
        this.view = view;
        this.blocks = blocks;
        this.reads = ChunkReads.of(blocks);
        if (maxChunksInFlight < 1) {
            throw new IllegalArgumentException("maxChunksInFlight must be positive");
        }
        this.maxChunksInFlight = maxChunksInFlight;
    }

    /** Fetches and verifies the block at {@code address} and reads it as a manifest if it is one. */
    public Fetched fetch(Address address) {
        byte[] bytes = FileUploader.join(blocks.getFromCluster(address, nodes()));
        if (ManifestCodec.looksLikeManifest(bytes)) {
            try {
                return new Fetched(address, ManifestCodec.decode(bytes), null);
            } catch (CairnException notAManifest) {
                // JSON that merely mentions "chunks": a plain block.
            }
        }
        return new Fetched(address, null, bytes);
    }

    /** Writes the file (or block) at {@code address} to {@code out}, atomically. */
    public Fetched get(Address address, Path out, ProgressListener progress) {
        Fetched fetched = fetch(address);
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                if (fetched.isFile()) {
                    byte[] digest = writeChunks(fetched.manifest(), channel, progress);
                    checkDigest(fetched.manifest(), digest);
                } else {
                    ByteBuffer b = ByteBuffer.wrap(fetched.block());
                    while (b.hasRemaining()) {
                        channel.write(b);
                    }
                    progress.progress(fetched.size(), fetched.size());
                }
            }
            moveIntoPlace(temp, target);
            temp = null;
            return fetched;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temp file is hidden and named .part
                }
            }
        }
    }

    /** Writes the file (or block) at {@code address} to a stream, in order. */
    public Fetched get(Address address, OutputStream out, ProgressListener progress) throws IOException {
        Fetched fetched = fetch(address);
        if (!fetched.isFile()) {
            out.write(fetched.block());
            out.flush();
            progress.progress(fetched.size(), fetched.size());
            return fetched;
        }
        Manifest manifest = fetched.manifest();
        List<NodeInfo> nodes = nodes();
        MessageDigest sha = Address.sha256();
        Deque<CompletableFuture<ByteBuffer>> window = new ArrayDeque<>();
        List<Manifest.Chunk> chunks = manifest.chunks();
        int slice = sliceSize();
        int next = 0;
        long done = 0;
        for (int i = 0; i < chunks.size(); i++) {
            // Whole slices only, so that each read batch is as large as the window allows.
            while (next < chunks.size() && window.size() + Math.min(slice, chunks.size() - next) <= maxChunksInFlight) {
                int n = Math.min(slice, chunks.size() - next);
                window.addAll(fetchChunks(chunks.subList(next, next + n), nodes));
                next += n;
            }
            ByteBuffer bytes = FileUploader.join(window.poll());
            done += bytes.remaining();
            if (bytes.hasArray()) {
                out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.duplicate().get(copy);
                out.write(copy);
            }
            sha.update(bytes);
            progress.progress(done, manifest.size());
        }
        out.flush();
        checkDigest(manifest, sha.digest());
        return fetched;
    }

    /**
     * Fetches every chunk (at most {@code maxChunksInFlight} held at once), writes each at its
     * offset, and returns the whole file's SHA-256, computed in order as chunks arrive. A chunk's
     * window slot is freed only once the digest has consumed it, which bounds the early ones.
     */
    private byte[] writeChunks(Manifest manifest, FileChannel channel, ProgressListener progress) {
        List<NodeInfo> nodes = nodes();
        Semaphore window = new Semaphore(maxChunksInFlight);
        InOrderDigest digest = new InOrderDigest();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<Manifest.Chunk> chunks = manifest.chunks();
        int slice = sliceSize();
        for (int from = 0; from < chunks.size() && failed.get() == null; from += slice) {
            List<Manifest.Chunk> part = chunks.subList(from, Math.min(from + slice, chunks.size()));
            window.acquireUninterruptibly(part.size());
            if (failed.get() != null) {
                break;
            }
            List<CompletableFuture<ByteBuffer>> fetched = fetchChunks(part, nodes);
            for (int k = 0; k < part.size(); k++) {
                Manifest.Chunk chunk = part.get(k);
                long offset = manifest.offsetOf(chunk.order());
                CompletableFuture<Void> write = fetched.get(k).thenAccept(bytes -> {
                    try {
                        ByteBuffer b = bytes.duplicate();
                        long at = offset;
                        while (b.hasRemaining()) {
                            at += channel.write(b, at);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    window.release(digest.offer(chunk.order(), bytes));
                    progress.progress(done.addAndGet(bytes.remaining()), manifest.size());
                });
                write.whenComplete((v, e) -> {
                    if (e != null && failed.compareAndSet(null, e)) {
                        window.release(maxChunksInFlight); // wakes the loop above, which then stops
                    }
                });
                writes.add(write);
            }
        }
        // Wait for every started write, even after a failure, so none touches the channel late.
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (failed.get() != null) {
            throw FileUploader.unwrap(failed.get());
        }
        if (digest.consumed() != manifest.chunks().size() || digest.bytes() != manifest.size()) {
            throw new CairnException(ErrorCode.HASH_MISMATCH, "assembled file is " + digest.bytes()
                    + " bytes, the manifest says " + manifest.size());
        }
        return digest.digest();
    }

    /**
     * A slice of chunks, each verified against its address (by the block client) and its declared
     * size; read in batches ({@link ChunkReads}), each chunk falling back to its own fail-over.
     */
    private List<CompletableFuture<ByteBuffer>> fetchChunks(List<Manifest.Chunk> part, List<NodeInfo> nodes) {
        List<CompletableFuture<ByteBuffer>> fetched = reads.fetch(part, nodes);
        List<CompletableFuture<ByteBuffer>> checked = new ArrayList<>(fetched.size());
        for (int k = 0; k < part.size(); k++) {
            Manifest.Chunk chunk = part.get(k);
            checked.add(fetched.get(k).thenApply(bytes -> {
                if (bytes.remaining() != chunk.size()) {
                    throw new CairnException(ErrorCode.HASH_MISMATCH, "chunk " + chunk.order() + " is "
                            + bytes.remaining() + " bytes, the manifest says " + chunk.size());
                }
                return bytes;
            }));
        }
        return checked;
    }

    /** Chunks asked for together: at most half the window, so the next slice is on its way while one is written. */
    int sliceSize() {
        return Math.max(1, Math.min(MAX_SLICE, maxChunksInFlight / 2));
    }

    private static void checkDigest(Manifest manifest, byte[] digest) {
        String actual = Hex.encode(digest);
        if (!actual.equals(manifest.sha256())) {
            throw new CairnException(ErrorCode.HASH_MISMATCH, "assembled file has SHA-256 " + actual
                    + ", the manifest says " + manifest.sha256());
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private List<NodeInfo> nodes() {
        return view.nodes().isEmpty() ? view.refresh() : view.nodes();
    }
}
