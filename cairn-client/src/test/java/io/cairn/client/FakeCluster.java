package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.BlockBatch;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeInfoCodec;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster in memory behind the {@link Transport} seam: each node is a map of blocks that answers
 * {@code PUT/GET /blocks/{address}}, the write batch {@code POST /blocks} ({@link BlockBatch}) and
 * {@code GET /nodes} as SPEC §3.1 says. Nodes can be made unreachable, a stored copy can be
 * corrupted, and a node can play an older one without the batch route, to test fail-over,
 * verification and the batcher's fall-back.
 */
final class FakeCluster implements Transport {
    static final class FakeNode {
        final NodeId id;
        final URI url;
        final Map<Address, byte[]> blocks = new ConcurrentHashMap<>();
        /** Blocks received for writing, whether one PUT each or in batches. */
        final AtomicInteger puts = new AtomicInteger();
        /** {@code POST /blocks} requests received (answered 404 when {@link #batchRoute} is off). */
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();
        volatile boolean down;
        volatile NodeStatus status = NodeStatus.ALIVE;
        volatile int forcedPutStatus;
        /** False plays a node from before write batches: {@code POST /blocks} is a 404. */
        volatile boolean batchRoute = true;

        FakeNode(NodeId id, URI url) {
            this.id = id;
            this.url = url;
        }

        NodeInfo info() {
            return new NodeInfo(id, url, Set.of(NodeInfo.ROLE_STORAGE), status, 1L << 30, 1L << 30, 0, 0);
        }

        /** Replaces the stored copy with bytes that no longer match the address. */
        void corrupt(Address address) {
            byte[] b = blocks.get(address).clone();
            b[b.length / 2] ^= 0x40;
            blocks.put(address, b);
        }
    }

    final List<FakeNode> nodes = new ArrayList<>();
    final long seed;

    FakeCluster(int n, long seed) {
        this.seed = seed;
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            nodes.add(new FakeNode(NodeId.random(random), URI.create("http://127.0.0.1:" + (7070 + i))));
        }
    }

    List<NodeInfo> infos() {
        return nodes.stream().map(FakeNode::info).toList();
    }

    FakeNode node(NodeInfo info) {
        return nodes.stream().filter(n -> n.id.equals(info.id())).findFirst().orElseThrow();
    }

    /** The fake nodes holding a copy of the block. */
    List<FakeNode> holders(Address address) {
        return nodes.stream().filter(n -> n.blocks.containsKey(address)).toList();
    }

    URI first() {
        return nodes.getFirst().url;
    }

    @Override
    public CompletableFuture<HttpReply> exchange(HttpCall call) {
        FakeNode node = nodes.stream().filter(n -> n.url.getPort() == call.uri().getPort()).findFirst().orElse(null);
        if (node == null || node.down) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.UNAVAILABLE,
                    call.uri() + ": connection refused"));
        }
        String path = call.uri().getPath();
        if (path.equals("/nodes") && call.method().equals("GET")) {
            return reply(200, NodeInfoCodec.encodeList(infos()));
        }
        if (path.equals("/blocks") && call.method().equals("POST")) {
            return batch(node, call);
        }
        if (path.startsWith("/blocks/")) {
            Address address = Address.parse(path.substring("/blocks/".length()));
            switch (call.method()) {
                case "PUT" -> {
                    node.puts.incrementAndGet();
                    if (node.forcedPutStatus != 0) {
                        return reply(node.forcedPutStatus, "{\"error\":\"x\",\"message\":\"forced\"}".getBytes());
                    }
                    ByteBuffer body = call.body();
                    byte[] bytes = new byte[body.remaining()];
                    body.duplicate().get(bytes);
                    if (!address.matches(bytes, 0, bytes.length)) {
                        return reply(422, "{\"error\":\"hash_mismatch\",\"message\":\"body does not match\"}".getBytes());
                    }
                    boolean had = node.blocks.putIfAbsent(address, bytes) != null;
                    return reply(had ? 200 : 201, new byte[0]);
                }
                case "GET" -> {
                    node.gets.incrementAndGet();
                    byte[] bytes = node.blocks.get(address);
                    return bytes == null ? reply(404, "{\"error\":\"not_found\",\"message\":\"no\"}".getBytes())
                            : reply(200, bytes);
                }
                default -> {
                    return reply(405, new byte[0]);
                }
            }
        }
        return reply(404, new byte[0]);
    }

    /** {@code POST /blocks}: every frame checked before any is stored, as a real node does. */
    private static CompletableFuture<HttpReply> batch(FakeNode node, HttpCall call) {
        node.batches.incrementAndGet();
        if (!node.batchRoute) {
            return reply(404, "{\"error\":\"not_found\",\"message\":\"no route\"}".getBytes());
        }
        // as the node checks it: the media type, in any case, parameters after ';' ignored
        String type = call.headers().get("Content-Type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip();
        if (!BlockBatch.CONTENT_TYPE.equalsIgnoreCase(mediaType)) {
            return reply(400, "{\"error\":\"bad_request\",\"message\":\"content type\"}".getBytes());
        }
        List<BlockBatch.Frame> frames;
        try {
            frames = BlockBatch.parse(call.body());
        } catch (CairnException e) {
            return reply(e.code().httpStatus(), ("{\"error\":\"" + e.code().wireCode() + "\",\"message\":\"x\"}").getBytes());
        }
        node.puts.addAndGet(frames.size());
        if (node.forcedPutStatus != 0) {
            return reply(node.forcedPutStatus, "{\"error\":\"x\",\"message\":\"forced\"}".getBytes());
        }
        List<byte[]> contents = new ArrayList<>();
        for (BlockBatch.Frame f : frames) {
            byte[] bytes = new byte[f.content().remaining()];
            f.content().duplicate().get(bytes);
            if (!f.address().matches(bytes, 0, bytes.length)) {
                return reply(422, "{\"error\":\"hash_mismatch\",\"message\":\"body does not match\"}".getBytes());
            }
            contents.add(bytes);
        }
        StringBuilder json = new StringBuilder("{\"results\":[");
        for (int i = 0; i < frames.size(); i++) {
            Address address = frames.get(i).address();
            boolean had = node.blocks.putIfAbsent(address, contents.get(i)) != null;
            json.append(i == 0 ? "" : ",").append("{\"address\":\"").append(address.hex()).append("\",\"size\":")
                    .append(contents.get(i).length).append(",\"created\":").append(!had).append('}');
        }
        return reply(200, json.append("]}").toString().getBytes());
    }

    private static CompletableFuture<HttpReply> reply(int status, byte[] body) {
        return CompletableFuture.completedFuture(new HttpReply(status, Map.of(), body));
    }

    @Override
    public void close() {}
}
