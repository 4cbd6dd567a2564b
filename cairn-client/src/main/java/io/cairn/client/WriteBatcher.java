package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.BlockBatch;
import io.cairn.core.DirectBuffers;
import io.cairn.core.Json;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Block writes to one node leave as single {@code PUT /blocks/{address}} while the node has fewer
 * than {@link #maxInFlight} write requests of ours in flight; writes that arrive while it has
 * that many wait, and the next request to that node carries all that waited as one
 * {@code POST /blocks} ({@link BlockBatch}). So an idle client pays no delay, and a busy one sends
 * a request per connection turn instead of per block: the same idea as the store's group commit,
 * on the client side.
 *
 * <p>Each block still gets its own reply: a batch's result becomes a 201 or 200 for each block. A
 * batch refused as a whole for what is in it (400, 413, 422) is resent as single PUTs, so each
 * block gets the answer it alone deserves; other whole-batch errors (429 after retries, 5xx, 507)
 * and a failed exchange are the same for each block. A node that does not know the route (404,
 * 405: an older node) is sent single PUTs from then on.
 *
 * <p>Thread-safe: each node's queue is guarded by its own lock; requests are sent outside it.
 */
final class WriteBatcher {
    static final int DEFAULT_MAX_IN_FLIGHT = 1;
    static final int DEFAULT_MAX_BLOCKS = 64;
    static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

    private final Function<HttpCall, CompletableFuture<HttpReply>> send;
    private final Duration timeout;
    private final int maxInFlight;
    private final int maxBlocks;
    private final int maxBytes;
    private final ConcurrentHashMap<URI, NodeQueue> queues = new ConcurrentHashMap<>();

    WriteBatcher(Function<HttpCall, CompletableFuture<HttpReply>> send, Duration timeout, int maxInFlight, int maxBlocks, int maxBytes) {
        if (maxInFlight < 1 || maxBlocks < 1 || maxBlocks > BlockBatch.MAX_BLOCKS || maxBytes > BlockBatch.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("batch limits out of range");
        }
        this.send = send;
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
        this.maxBlocks = maxBlocks;
        this.maxBytes = maxBytes;
    }

    private record Pending(Address address, ByteBuffer bytes, String lease, CompletableFuture<HttpReply> reply) {}

    private final class NodeQueue {
        final URI node;
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        int inFlight;
        volatile boolean batchUnsupported;

        NodeQueue(URI node) {
            this.node = node;
        }
    }

    /** Writes one block to {@code node}; the reply is what {@code PUT /blocks/{address}} would answer. */
    CompletableFuture<HttpReply> put(URI node, Address address, ByteBuffer bytes, String leaseHeader) {
        NodeQueue q = queues.computeIfAbsent(node, NodeQueue::new);
        Pending p = new Pending(address, bytes, leaseHeader, new CompletableFuture<>());
        boolean now;
        synchronized (q) {
            now = q.inFlight < maxInFlight && q.waiting.isEmpty();
            if (now) {
                q.inFlight++;
            } else {
                q.waiting.add(p);
            }
        }
        if (now) {
            dispatch(q, List.of(p));
        }
        return p.reply;
    }

    /** Sends {@code batch} (one request), and when it is answered, whatever waited meanwhile. */
    private void dispatch(NodeQueue q, List<Pending> batch) {
        CompletableFuture<Void> done;
        try {
            done = batch.size() == 1 || q.batchUnsupported ? sendSingly(q, batch) : sendBatch(q, batch);
        } catch (RuntimeException e) {
            batch.forEach(p -> p.reply.completeExceptionally(e));
            done = CompletableFuture.completedFuture(null);
        }
        done.whenComplete((v, e) -> next(q));
    }

    private void next(NodeQueue q) {
        List<Pending> batch = new ArrayList<>();
        synchronized (q) {
            q.inFlight--;
            if (q.waiting.isEmpty()) {
                return;
            }
            // Blocks with the same lease header, in arrival order, up to the limits; the rest wait.
            String lease = q.waiting.peekFirst().lease;
            int bytes = 0;
            for (var it = q.waiting.iterator(); it.hasNext() && batch.size() < maxBlocks; ) {
                Pending p = it.next();
                int frame = BlockBatch.frameBytes(p.bytes.remaining());
                if (!Objects.equals(p.lease, lease) || (!batch.isEmpty() && bytes + frame > maxBytes)) {
                    continue;
                }
                it.remove();
                batch.add(p);
                bytes += frame;
            }
            q.inFlight++;
        }
        dispatch(q, batch);
    }

    /** The headers of a block write: {@code X-Cairn-Lease} when a lease was asked for. */
    static Map<String, String> leaseHeaders(String lease) {
        return lease == null ? Map.of() : Map.of("X-Cairn-Lease", lease);
    }

    private CompletableFuture<Void> sendSingly(NodeQueue q, List<Pending> batch) {
        List<CompletableFuture<HttpReply>> replies = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            HttpCall call = new HttpCall("PUT", BlockClient.blockUri(q.node, p.address), leaseHeaders(p.lease),
                    p.bytes.duplicate(), timeout, true);
            CompletableFuture<HttpReply> r;
            try {
                r = send.apply(call);
            } catch (RuntimeException e) {
                r = CompletableFuture.failedFuture(e); // this block alone; the others are sent
            }
            r.whenComplete((reply, e) -> complete(p, reply, e));
            replies.add(r);
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).handle((v, e) -> null);
    }

    private CompletableFuture<Void> sendBatch(NodeQueue q, List<Pending> batch) {
        int size = 0;
        for (Pending p : batch) {
            size += BlockBatch.frameBytes(p.bytes.remaining());
        }
        // Built in pooled direct memory (DirectBuffers): no zeroed array per batch, and the socket
        // takes it as it is where a heap body is copied again into a temporary direct buffer.
        DirectBuffers.Lent lent = DirectBuffers.SHARED.acquire(size);
        ByteBuffer body = lent != null ? lent.bytes() : ByteBuffer.allocate(size);
        for (Pending p : batch) {
            BlockBatch.writeFrame(body, p.address, p.bytes);
        }
        Map<String, String> headers = new HashMap<>(leaseHeaders(batch.getFirst().lease));
        headers.put("Content-Type", BlockBatch.CONTENT_TYPE);
        HttpCall call = new HttpCall("POST", q.node.resolve("/blocks"), headers, body.flip(), timeout, true);
        CompletableFuture<HttpReply> sent;
        try {
            sent = send.apply(call);
        } catch (RuntimeException e) {
            if (lent != null) {
                lent.abandon();
            }
            throw e;
        }
        return sent.handle((reply, e) -> {
            if (lent != null) {
                // Answered: the transport is done with the body. Failed: it may still be writing
                // it out (an exchange cut off by a timeout), so the memory is never lent again.
                if (e == null) {
                    lent.close();
                } else {
                    lent.abandon();
                }
            }
            if (e == null && (reply.status() == 404 || reply.status() == 405)) {
                q.batchUnsupported = true; // an older node: one PUT per block from now on
                return sendSingly(q, batch);
            }
            if (e == null && (reply.status() == 400 || reply.status() == 413 || reply.status() == 422)) {
                // The batch as a whole was refused (one bad block, or more blocks than the node
                // takes at once): each block gets its own answer, so a good one is not failed
                // for sharing a request with a bad one.
                return sendSingly(q, batch);
            }
            if (e != null || reply.status() != 200) {
                batch.forEach(p -> complete(p, reply, e));
            } else {
                spread(batch, reply);
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(f -> f);
    }

    /** One reply per block from the batch's results; a result that does not fit is a failure. */
    private static void spread(List<Pending> batch, HttpReply reply) {
        JsonNode results;
        try {
            results = Json.MAPPER.readTree(reply.body()).path("results");
        } catch (RuntimeException e) {
            results = null;
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            JsonNode r = results == null ? null : results.get(i);
            if (r == null || !p.address.hex().equals(r.path("address").asString(""))) {
                p.reply.completeExceptionally(new io.cairn.core.CairnException(io.cairn.core.ErrorCode.UNAVAILABLE,
                        "the node's batch reply does not answer block " + p.address.hex().substring(0, 12)));
                continue;
            }
            int status = r.path("created").asBoolean(false) ? 201 : 200;
            p.reply.complete(new HttpReply(status, Map.of(), new byte[0]));
        }
    }

    private static void complete(Pending p, HttpReply reply, Throwable e) {
        if (e != null) {
            p.reply.completeExceptionally(e);
        } else {
            p.reply.complete(reply);
        }
    }
}
