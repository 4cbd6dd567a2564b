package io.cairn.node.storage;

import io.cairn.core.BlockBatch;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.DirectBuffers;
import io.cairn.core.ErrorCode;
import io.cairn.core.HashedBlock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /blocks}: several blocks in one request, the write batch ({@link BlockBatch} has the
 * format). Every block passes the checks of {@code PUT /blocks/{address}} and the whole batch is
 * refused, with nothing stored, when any fails: malformed framing 400, a block over 4 MiB or a
 * batch over its limits 413, a block whose bytes do not hash to its address 422, the rate limit
 * (one token per block) 429, a batch larger than the whole per-second limit 413. The body is read,
 * parsed and hashed (at most {@link BlockBatch#MAX_BODY_BYTES}) before the rate limit is asked:
 * only then is the block count known, and a batch refused for a bad block takes no tokens. Then the store takes them with one durability wait
 * ({@link BlockStore#putAll}). 200 with one result per block, in request order.
 */
public final class PutBlocksRoute implements Route {
    private final BlockStore store;
    private final Clock clock;
    private final PutRateLimiter limiter;

    public PutBlocksRoute(BlockStore store, Clock clock, PutRateLimiter limiter) {
        this.store = store;
        this.clock = clock;
        this.limiter = limiter;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Lease lease = Lease.parseHeader(ex.header(PutBlockRoute.LEASE_HEADER), clock.now());
        ex.requireMediaType(BlockBatch.CONTENT_TYPE, "a batch");
        var reply = Json.MAPPER.createObjectNode();
        // Pooled direct memory (DirectBuffers): hashed in place, copied once into the store, and
        // given back before the answer; nothing refers to it after putAll returns.
        try (DirectBuffers.Lent body = ex.readPooledBody(BlockBatch.MAX_BODY_BYTES)) {
            List<BlockBatch.Frame> frames = BlockBatch.parse(body.bytes());
            List<HashedBlock> blocks = new ArrayList<>(frames.size());
            for (BlockBatch.Frame f : frames) {
                HashedBlock b = HashedBlock.of(f.content());
                if (!b.address().equals(f.address())) {
                    throw new CairnException(ErrorCode.HASH_MISMATCH, "block " + blocks.size() + " of the batch does not hash to " + f.address());
                }
                blocks.add(b);
            }
            limiter.acquire(ex, blocks.size()); // after the hashes: a refused batch costs no tokens, its blocks resent singly pay once
            List<BlockStore.PutOutcome> outcomes = store.putAll(blocks, lease);
            var results = reply.putArray("results");
            for (int i = 0; i < blocks.size(); i++) {
                var r = results.addObject();
                r.put("address", blocks.get(i).address().hex());
                r.put("size", blocks.get(i).size());
                r.put("created", outcomes.get(i) == BlockStore.PutOutcome.CREATED);
            }
        }
        ex.respondJson(200, reply);
    }
}
