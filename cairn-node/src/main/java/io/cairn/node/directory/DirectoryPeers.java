package io.cairn.node.directory;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.names.Name;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/**
 * The directory's calls to its peers' internal endpoints (all carry the cluster key, SPEC §6).
 * Thin I/O: every decision is made by the caller. Each call has the configured timeout; a
 * failure completes the future with a {@link CairnException} (UNAVAILABLE when unreachable).
 */
final class DirectoryPeers {
    static final String RECORDS = "/internal/names/records";
    static final String READ = "/internal/names/read";
    static final String LIST = "/internal/names/list";
    static final String DIGESTS = "/internal/names/digests";

    private final Transport transport;
    private final Duration timeout;

    DirectoryPeers(Transport transport, Duration timeout) {
        this.transport = transport;
        this.timeout = timeout;
    }

    /** Sends records to be merged at {@code node}; completes when they are durable there. */
    CompletableFuture<Void> push(URI node, List<NameRecord> records) {
        return pushWithReply(node, records).thenApply(newer -> null);
    }

    /** Like {@link #push}; completes with the records {@code node} holds that beat offered ones. */
    CompletableFuture<List<NameRecord>> pushWithReply(URI node, List<NameRecord> records) {
        HttpCall call = new HttpCall("POST", node.resolve(RECORDS),
                Map.of("Content-Type", NameRecordCodec.BATCH_CONTENT_TYPE),
                ByteBuffer.wrap(NameRecordCodec.encodeBatch(records)), timeout, true);
        return transport.exchange(call).thenApply(reply -> {
            expect(node, reply, 200);
            return NameRecordCodec.decodeBatch(reply.body());
        });
    }

    /**
     * The record {@code node} holds for a name (null when none). With {@code resolve}, the node
     * answers as the name's owner would (reading through to the other replicas as needed).
     */
    CompletableFuture<NameRecord> read(URI node, Name name, boolean resolve) {
        // The name travels as the body (its UTF-8 bytes): no URL normalisation can touch it.
        URI uri = node.resolve(READ + (resolve ? "?resolve=1" : ""));
        HttpCall call = new HttpCall("POST", uri, Map.of("Content-Type", "application/octet-stream"),
                ByteBuffer.wrap(name.utf8()), timeout, true);
        return transport.exchange(call).thenApply(reply -> {
            if (reply.status() == 404) {
                return null;
            }
            expect(node, reply, 200);
            return NameRecordCodec.decode(reply.body());
        });
    }

    /** A page of the records {@code node} holds, in name order, tombstones included. */
    CompletableFuture<List<NameRecord>> list(URI node, String prefix, String after, int limit) {
        StringBuilder q = new StringBuilder(LIST).append("?limit=").append(limit);
        if (prefix != null && !prefix.isEmpty()) {
            q.append("&prefix=").append(URLEncoder.encode(prefix, StandardCharsets.UTF_8));
        }
        if (after != null) {
            q.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        HttpCall call = new HttpCall("GET", node.resolve(q.toString()), Map.of(), null, timeout, true);
        return transport.exchange(call).thenApply(reply -> {
            expect(node, reply, 200);
            return NameRecordCodec.decodeBatch(reply.body());
        });
    }

    /** Sends this node's bucket digests for the records it shares with {@code node}; returns the differing buckets. */
    CompletableFuture<List<Integer>> compare(URI node, NodeId self, long[] digests) {
        var body = Json.MAPPER.createObjectNode();
        body.put("sender", self.hex());
        var array = body.putArray("digests");
        for (long d : digests) {
            array.add(Long.toHexString(d));
        }
        HttpCall call = new HttpCall("POST", node.resolve(DIGESTS), Map.of("Content-Type", "application/json"),
                ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)), timeout, true);
        return transport.exchange(call).thenApply(reply -> {
            expect(node, reply, 200);
            JsonNode json = Json.MAPPER.readTree(reply.body());
            List<Integer> out = new ArrayList<>();
            for (JsonNode b : json.path("differ")) {
                out.add(b.intValue());
            }
            return out;
        });
    }

    private static void expect(URI node, HttpReply reply, int status) {
        if (reply.status() != status) {
            String text = new String(reply.body(), 0, Math.min(reply.body().length, 300), StandardCharsets.UTF_8);
            throw new CairnException(reply.status() == 404 ? ErrorCode.NOT_FOUND : ErrorCode.UNAVAILABLE,
                    node + " answered " + reply.status() + ": " + text);
        }
    }
}
