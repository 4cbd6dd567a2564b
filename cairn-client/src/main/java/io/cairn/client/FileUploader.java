package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * put (ARCHITECTURE "How data flows"): cuts a file into chunks, sends each to its replicas in
 * parallel, waits for every chunk's write quorum, then writes the manifest the same way and returns
 * its address, the file's address.
 *
 * <p>Memory is bounded: at most {@code maxChunksInFlight} chunks are held, each released when all
 * of its copy attempts have finished (not merely at quorum), so the third copy of a chunk is written
 * in the background but never piles up. Requests per node are bounded by the {@link Transport}.
 * A chunk that repeats within the file is sent once.
 *
 * <p>Before returning, put waits until every copy attempt has settled, each bounded by its call
 * timeout, so that a CLI process which exits right after does not cut the last copies off.
 */
public final class FileUploader {
    private final ClusterView view;
    private final BlockClient blocks;
    private final int chunkSize;
    private final int maxChunksInFlight;
    private final String leaseHeader;

    public FileUploader(ClusterView view, BlockClient blocks, int chunkSize, int maxChunksInFlight, String leaseHeader) {
        this.view = view;
        this.blocks = blocks;
        this.chunkSize = Chunker.checkChunkSize(chunkSize);
        if (maxChunksInFlight < 1) {
            throw new IllegalArgumentException("maxChunksInFlight must be positive");
        }
        this.maxChunksInFlight = maxChunksInFlight;
        this.leaseHeader = leaseHeader;
    }

    public Address put(Path file, ProgressListener progress) {
        try (InputStream in = Files.newInputStream(file)) {
            return put(in, Files.size(file), progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Stores a stream; {@code totalBytes} is only for progress (-1 when unknown). */
    public Address put(InputStream in, long totalBytes, ProgressListener progress) throws IOException {
        List<NodeInfo> nodes = view.nodes().isEmpty() ? view.refresh() : view.nodes();
        blocks.policy().requireWritable(Replicas.aliveStorage(nodes).size());

        Chunker chunker = new Chunker(in, chunkSize);
        Semaphore window = new Semaphore(maxChunksInFlight);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        Map<Address, CompletableFuture<List<NodeInfo>>> sent = new HashMap<>();
        List<CompletableFuture<List<NodeInfo>>> settled = new ArrayList<>();
        try {
            while (failed.get() == null) {
                window.acquireUninterruptibly();
                Chunker.Piece piece = chunker.next();
                if (piece == null) {
                    window.release();
                    break;
                }
                CompletableFuture<List<NodeInfo>> earlier = sent.get(piece.address());
                if (earlier != null) {
                    window.release();
                    earlier.thenRun(() -> progress.progress(done.addAndGet(piece.bytes().length), totalBytes));
                    continue;
                }
                BlockClient.BlockWrite write;
                try {
                    write = blocks.put(piece.address(), ByteBuffer.wrap(piece.bytes()), nodes, leaseHeader);
                } catch (RuntimeException e) {
                    window.release();
                    throw e;
                }
                sent.put(piece.address(), write.acknowledged());
                settled.add(write.settled());
                write.acknowledged().whenComplete((holders, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        progress.progress(done.addAndGet(piece.bytes().length), totalBytes);
                    }
                });
                write.settled().whenComplete((holders, e) -> window.release());
            }
            if (failed.get() != null) {
                throw unwrap(failed.get());
            }
            // Every chunk must be acknowledged before the manifest that names it is written.
            for (CompletableFuture<List<NodeInfo>> ack : sent.values()) {
                join(ack);
            }
            Manifest manifest = chunker.manifest();
            byte[] manifestBytes = ManifestCodec.encode(manifest);
            Address fileAddress = Address.of(manifestBytes);
            BlockClient.BlockWrite write = blocks.put(fileAddress, ByteBuffer.wrap(manifestBytes), nodes, leaseHeader);
            join(write.acknowledged());
            settled.add(write.settled());
            CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            progress.progress(done.get(), totalBytes < 0 ? done.get() : totalBytes);
            return fileAddress;
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    /** Stores one block (at most 4 MiB) by itself and returns its address. */
    public Address putBlock(byte[] bytes) {
        if (bytes.length > Manifest.MAX_CHUNK_SIZE) {
            throw new CairnException(ErrorCode.TOO_LARGE, "a block is at most " + Manifest.MAX_CHUNK_SIZE + " bytes");
        }
        List<NodeInfo> nodes = view.nodes().isEmpty() ? view.refresh() : view.nodes();
        Address address = Address.of(bytes);
        BlockClient.BlockWrite write = blocks.put(address, ByteBuffer.wrap(bytes), nodes, leaseHeader);
        join(write.acknowledged());
        write.settled().exceptionally(e -> null).join();
        return address;
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    static RuntimeException unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        return new CairnException(ErrorCode.INTERNAL, String.valueOf(t.getMessage()), t);
    }
}
