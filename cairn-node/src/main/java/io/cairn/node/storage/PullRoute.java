package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.NodeInfoCodec;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.nio.ByteBuffer;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /internal/pull} body {@code {"address":"<hex>","from":"http://host:port"}} (optional
 * {@code "expiresEpochSecond"}, default 30 days from now) → 201 {@code {"address","created":true,"size"}}
 * after fetching the block from {@code from}, verifying its address and storing it durably; 200
 * {@code created:false} when the node already had it (nothing fetched). The source lacking the
 * block is a 404, the source unreachable a 503, bytes that do not match the address a 422;
 * in each case nothing is stored.
 */
public final class PullRoute implements Route {
    private final BlockStore store;
    private final BlockFetcher fetcher;
    private final Clock clock;

    public PullRoute(BlockStore store, BlockFetcher fetcher, Clock clock) {
        this.store = store;
        this.fetcher = fetcher;
        this.clock = clock;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(4096);
        JsonNode addressNode = body.get("address");
        JsonNode fromNode = body.get("from");
        if (!body.isObject() || addressNode == null || !addressNode.isString() || fromNode == null || !fromNode.isString()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expected {\"address\":\"<hex>\",\"from\":\"<url>\"}");
        }
        Address address = Address.parse(addressNode.stringValue());
        URI from = NodeInfoCodec.url(fromNode.stringValue());
        JsonNode expires = body.get("expiresEpochSecond");
        Lease lease;
        if (expires == null) {
            lease = Lease.defaultFrom(clock.now());
        } else if (expires.isIntegralNumber() && expires.canConvertToLong() && expires.longValue() >= 0) {
            lease = new Lease(expires.longValue());
        } else {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expiresEpochSecond must be a non-negative integer");
        }
        boolean created = false;
        long size;
        if (store.contains(address)) {
            store.renew(address, lease);
            size = store.sizeOf(address);
        } else {
            ByteBuffer bytes = fetcher.fetchFrom(from, address);
            size = bytes.remaining();
            created = store.put(address, bytes, lease) == BlockStore.PutOutcome.CREATED;
        }
        var reply = Json.MAPPER.createObjectNode();
        reply.put("address", address.hex());
        reply.put("created", created);
        reply.put("size", size); // the distribute service paces repair by it (issue #3)
        ex.respondJson(created ? 201 : 200, reply);
    }
}
