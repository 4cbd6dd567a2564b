package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.BlockReads;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FakeCluster} that also answers the read batch, {@code POST /blocks/read} ({@link
 * BlockReads}), from each fake node's map of blocks (a corrupted copy is served as it is, as a
 * node that does not notice would); every other call goes to the fake cluster unchanged. Per node
 * it can play one older than the batch (404 or 405), refuse with any status, or send a reply that
 * does not answer what was asked. Every batch is recorded.
 */
final class ReadBatchCluster implements Transport {
    /** How a node answers the batch. */
    enum Mode {
        /** As a node with the route does. */
        SERVE,
        /** A reply whose count is one more than asked. */
        WRONG_COUNT,
        /** A whole reply, cut by one byte at the end. */
        TRUNCATED,
        /** A reply whose first table entry names another block. */
        WRONG_ADDRESS,
        /** A reply where every block present is said to be absent. */
        ALL_ABSENT,
        /** Answers with {@link NodeState#status} and a JSON error body. */
        STATUS
    }

    static final class NodeState {
        volatile Mode mode = Mode.SERVE;
        volatile int status;
        /** Batches received, whether answered or not. */
        final AtomicInteger batches = new AtomicInteger();
        /** The addresses of each batch received, in order. */
        final List<List<Address>> asked = new CopyOnWriteArrayList<>();
        /** The calls as sent, to check method, headers and flags. */
        final List<HttpCall> calls = new CopyOnWriteArrayList<>();
    }

    final FakeCluster cluster;
    private final Map<Integer, NodeState> states = new ConcurrentHashMap<>();
    /** When set, every reply (batch or not) completes on it, as a real transport's would. */
    private final Executor completions;

    ReadBatchCluster(FakeCluster cluster) {
        this(cluster, null);
    }

    ReadBatchCluster(FakeCluster cluster, Executor completions) {
        this.cluster = cluster;
        this.completions = completions;
        for (FakeCluster.FakeNode n : cluster.nodes) {
            states.put(n.url.getPort(), new NodeState());
        }
    }

    NodeState state(FakeCluster.FakeNode node) {
        return states.get(node.url.getPort());
    }

    /** Batch requests received by every node together. */
    int batches() {
        return states.values().stream().mapToInt(s -> s.batches.get()).sum();
    }

    /** Single GETs of blocks received by every node together. */
    int gets() {
        return cluster.nodes.stream().mapToInt(n -> n.gets.get()).sum();
    }

    @Override
    public CompletableFuture<HttpReply> exchange(HttpCall call) {
        CompletableFuture<HttpReply> reply;
        if (call.method().equals("POST") && call.uri().getPath().equals(BlockClient.READ_BATCH_PATH)) {
            reply = readBatch(call);
        } else {
            reply = cluster.exchange(call);
        }
        if (completions == null) {
            return reply;
        }
        CompletableFuture<HttpReply> later = new CompletableFuture<>();
        reply.whenComplete((r, e) -> completions.execute(() -> {
            if (e != null) {
                later.completeExceptionally(e);
            } else {
                later.complete(r);
            }
        }));
        return later;
    }

    private CompletableFuture<HttpReply> readBatch(HttpCall call) {
        FakeCluster.FakeNode node = cluster.nodes.stream().filter(n -> n.url.getPort() == call.uri().getPort())
                .findFirst().orElse(null);
        if (node == null || node.down) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.UNAVAILABLE, call.uri() + ": connection refused"));
        }
        NodeState state = state(node);
        state.batches.incrementAndGet();
        state.calls.add(call);
        String type = call.headers().get("Content-Type");
        if (type == null || !type.split(";", 2)[0].strip().equalsIgnoreCase(BlockReads.REQUEST_TYPE)) {
            return error(400, "bad_request");
        }
        List<Address> addresses;
        try {
            addresses = BlockReads.parseRequest(call.body());
        } catch (CairnException e) {
            return error(e.code().httpStatus(), e.code().wireCode());
        }
        state.asked.add(List.copyOf(addresses));
        Mode mode = state.mode;
        if (mode == Mode.STATUS) {
            return error(state.status, ErrorCode.ofStatus(state.status).wireCode());
        }
        List<byte[]> contents = new ArrayList<>();
        int[] lengths = new int[addresses.size()];
        int content = 0;
        for (int i = 0; i < addresses.size(); i++) {
            byte[] b = mode == Mode.ALL_ABSENT ? null : node.blocks.get(addresses.get(i));
            contents.add(b);
            lengths[i] = b == null ? BlockReads.ABSENT : b.length;
            content += b == null ? 0 : b.length;
        }
        if (content > BlockReads.MAX_REPLY_BYTES) {
            return error(413, "too_large");
        }
        List<Address> named = addresses;
        if (mode == Mode.WRONG_ADDRESS) {
            named = new ArrayList<>(addresses);
            named.set(0, Address.of(new byte[] {1, 2, 3}));
        }
        ByteBuffer table = BlockReads.table(named, lengths);
        if (mode == Mode.WRONG_COUNT) {
            table.putInt(0, addresses.size() + 1);
        }
        ByteBuffer out = ByteBuffer.allocate(table.remaining() + content);
        out.put(table);
        for (byte[] b : contents) {
            if (b != null) {
                out.put(b);
            }
        }
        byte[] body = out.array();
        if (mode == Mode.TRUNCATED) {
            body = java.util.Arrays.copyOf(body, body.length - 1);
        }
        return CompletableFuture.completedFuture(new HttpReply(200, Map.of("content-type", BlockReads.REPLY_TYPE), body));
    }

    private static CompletableFuture<HttpReply> error(int status, String code) {
        byte[] body = ("{\"error\":\"" + code + "\",\"message\":\"refused by the fake\"}").getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.completedFuture(new HttpReply(status, Map.of("content-type", "application/json"), body));
    }

    @Override
    public void close() {}
}
