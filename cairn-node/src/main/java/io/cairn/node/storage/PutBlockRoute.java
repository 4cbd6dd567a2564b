package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.Clock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.nio.ByteBuffer;

/**
 * {@code PUT /blocks/{address}} (SPEC §3.1): the body is the block, at most 4 MiB; the store
 * hashes it and refuses a mismatch (422) before anything is written. 201 when new, 200 when the
 * node had it (leases merge). Order of checks: address, lease header, rate limit, body size, hash,
 * space — each failure leaves the store as it was.
 */
public final class PutBlockRoute implements Route {
    /** SPEC §3.1: a block is at most 4 MiB. */
    public static final int MAX_BLOCK_BYTES = 4 * 1024 * 1024;
    public static final String LEASE_HEADER = "X-Cairn-Lease";

    private final BlockStore store;
    private final Clock clock;
    private final PutRateLimiter limiter;

    public PutBlockRoute(BlockStore store, Clock clock, PutRateLimiter limiter) {
        this.store = store;
        this.clock = clock;
        this.limiter = limiter;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Address address = Address.parse(ex.param("address"));
        Lease lease = Lease.parseHeader(ex.header(LEASE_HEADER), clock.now());
        limiter.acquire(ex);
        byte[] body = ex.readBody(MAX_BLOCK_BYTES);
        BlockStore.PutOutcome outcome = store.put(address, ByteBuffer.wrap(body), lease);
        var reply = Json.MAPPER.createObjectNode();
        reply.put("address", address.hex());
        reply.put("size", body.length);
        reply.put("created", outcome == BlockStore.PutOutcome.CREATED);
        ex.respondJson(outcome == BlockStore.PutOutcome.CREATED ? 201 : 200, reply);
    }
}
