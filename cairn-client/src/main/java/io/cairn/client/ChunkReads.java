package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.BlockReads;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.NodeInfo;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A file's chunks read a batch at a time ({@code POST /blocks/read}, {@link io.cairn.core.BlockReads}).
 *
 * <p>The plan (pure, {@link #plan}): each chunk of a slice of the file goes to the node first in
 * its read order, the closest replica, which is where a single read would go first; the chunks of
 * one node become one batch, cut at {@code maxBlocks} blocks and {@code maxBytes} bytes (by the
 * manifest's sizes). So a slice of 128 chunks over 5 nodes costs about 5 requests instead of 128,
 * and the load spreads as the single reads' did.
 *
 * <p>Every chunk still gets the fail-over of a single read: one that a batch did not deliver
 * (absent on that node, bytes that do not match, a refused batch, a node that went away) is read
 * alone through {@link BlockClient#getChunk}, which asks its replicas in turn. A node that answers
 * the batch with 404 or 405 (one older than the batch read) gets single reads from then on. With
 * {@code maxBlocks} below 2 every chunk is a single read (the way to compare the two).
 */
final class ChunkReads {
    static final int DEFAULT_MAX_BLOCKS = 64;
    static final long DEFAULT_MAX_BYTES = 4L << 20;

    /** Chunks {@code members} (indices into the slice) asked of {@code node} in one request. */
    record Batch(NodeInfo node, List<Integer> members) {}

    /** What a slice costs: its batches, and the chunks read alone. */
    record Plan(List<Batch> batches, List<Integer> singles) {}

    private final BlockClient blocks;
    private final int maxBlocks;
    private final long maxBytes;
    private final Set<URI> noBatches = ConcurrentHashMap.newKeySet();

    ChunkReads(BlockClient blocks, int maxBlocks, long maxBytes) {
        this.blocks = blocks;
        this.maxBlocks = maxBlocks;
        this.maxBytes = maxBytes;
    }

    /** With the defaults; {@code -Dcairn.client.readBatchBlocks=N} changes the blocks per batch (0 = single reads). */
    static ChunkReads of(BlockClient blocks) {
        int maxBlocks = Math.min(Integer.getInteger("cairn.client.readBatchBlocks", DEFAULT_MAX_BLOCKS), BlockReads.MAX_ADDRESSES);
        return new ChunkReads(blocks, maxBlocks, DEFAULT_MAX_BYTES);
    }

    /**
     * Groups the chunks of a slice by the node each is read from first. A chunk whose first node
     * is not {@code batchable}, or that has no node at all, is read alone.
     */
    static Plan plan(List<Manifest.Chunk> chunks, List<NodeInfo> nodes, ReplicationPolicy policy, int readLimit,
                     int maxBlocks, long maxBytes, Predicate<NodeInfo> batchable) {
        List<Integer> singles = new ArrayList<>();
        Map<URI, List<Integer>> byNode = new LinkedHashMap<>();
        Map<URI, NodeInfo> node = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            List<NodeInfo> order = Replicas.readOrder(chunks.get(i).id(), nodes, policy, readLimit);
            if (maxBlocks < 2 || order.isEmpty() || !batchable.test(order.get(0))) {
                singles.add(i);
                continue;
            }
            node.putIfAbsent(order.get(0).url(), order.get(0));
            byNode.computeIfAbsent(order.get(0).url(), u -> new ArrayList<>()).add(i);
        }
        List<Batch> batches = new ArrayList<>();
        byNode.forEach((url, members) -> {
            List<Integer> current = new ArrayList<>();
            long bytes = 0;
            for (int i : members) {
                long size = Math.max(0, chunks.get(i).size());
                if (!current.isEmpty() && (current.size() == maxBlocks || bytes + size > maxBytes)) {
                    batches.add(new Batch(node.get(url), current));
                    current = new ArrayList<>();
                    bytes = 0;
                }
                current.add(i);
                bytes += size;
            }
            batches.add(new Batch(node.get(url), current));
        });
        return new Plan(batches, singles);
    }

    /**
     * Starts reading {@code chunks}: one future per chunk, in order, each completing with the
     * chunk's bytes verified against its address, or failing as {@link BlockClient#getChunk} does.
     */
    List<CompletableFuture<ByteBuffer>> fetch(List<Manifest.Chunk> chunks, List<NodeInfo> nodes) {
        List<CompletableFuture<ByteBuffer>> out = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            out.add(new CompletableFuture<>());
        }
        Plan plan = plan(chunks, nodes, blocks.policy(), blocks.chunkReadLimit(), maxBlocks, maxBytes,
                n -> !noBatches.contains(n.url()));
        for (int i : plan.singles()) {
            single(chunks.get(i), nodes, out.get(i));
        }
        for (Batch batch : plan.batches()) {
            List<Address> addresses = new ArrayList<>(batch.members().size());
            for (int i : batch.members()) {
                addresses.add(chunks.get(i).id());
            }
            CompletableFuture<List<ByteBuffer>> read;
            try {
                read = blocks.getBatch(batch.node(), addresses);
            } catch (RuntimeException e) { // a transport that throws instead of failing the future
                read = CompletableFuture.failedFuture(e);
            }
            read.whenComplete((views, error) -> {
                if (error != null && predatesBatches(error)) {
                    noBatches.add(batch.node().url());
                }
                for (int k = 0; k < batch.members().size(); k++) {
                    int i = batch.members().get(k);
                    ByteBuffer view = error == null ? views.get(k) : null;
                    if (view != null) {
                        out.get(i).complete(view);
                    } else {
                        single(chunks.get(i), nodes, out.get(i));
                    }
                }
            });
        }
        return out;
    }

    private void single(Manifest.Chunk chunk, List<NodeInfo> nodes, CompletableFuture<ByteBuffer> into) {
        CompletableFuture<byte[]> read;
        try {
            read = blocks.getChunk(chunk.id(), nodes);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((bytes, error) -> {
            if (error != null) {
                into.completeExceptionally(error);
            } else {
                into.complete(ByteBuffer.wrap(bytes));
            }
        });
    }

    /** 404 or 405 for the batch itself: the node has no such route. */
    private static boolean predatesBatches(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof CairnException c
                && (c.code() == ErrorCode.NOT_FOUND || c.code() == ErrorCode.METHOD_NOT_ALLOWED);
    }
}
