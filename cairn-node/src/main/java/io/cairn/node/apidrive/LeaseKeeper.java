package io.cairn.node.apidrive;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.membership.Member;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The node's lease maintenance (SPEC §2; issue #5): blocks expire only when no replica holds a
 * live lease, and then their space is reclaimed.
 *
 * <p>One {@link #runOnce} round, at wall time {@code now}:
 * <ol>
 *   <li><b>Candidates.</b> Every block held here whose lease ends before {@code now + lookahead},
 *       including blocks whose lease has already ended but which are still on disk (they are not
 *       served, see the grace below). At most {@link #MAX_CANDIDATES} per round; the rest wait.</li>
 *   <li><b>Ask the other replicas</b> (the N XOR-closest alive storage nodes, see
 *       {@link ReplicaPeers}) for their live leases of those blocks, batched per replica
 *       ({@code POST /internal/leases/query}).</li>
 *   <li><b>Adopt</b> the longest live lease reported when it beats ours ({@link LeaseVerdict}); an
 *       already-ended copy is <b>revived</b> with the bytes of the replica holding that lease
 *       ({@code GET /internal/blocks/{a}}, which does not renew there), verified by the store.</li>
 *   <li><b>Reclaim</b> what ended more than {@code grace} ago ({@link BlockStore#expire}), then
 *       compact within a byte budget so the disk space comes back.</li>
 * </ol>
 *
 * <p>Why a lookahead: the check runs before a block stops being served, so the common case (a
 * block read on one replica only, whose renewal did not reach the others) never has a gap. Why a
 * grace: a node that was down or partitioned past a block's end still holds the bytes when it
 * comes back and can revive them instead of deleting a block that someone still renews (Garage
 * lost data by collecting too eagerly). A replica that does not answer is not waited for beyond
 * the grace: the copies that hold live leases keep the block, and repair restores the count.
 *
 * <p>Bounds: candidates per round, {@link #MAX_BATCH} addresses per query, each call's timeout,
 * {@link #COMPACT_BUDGET_BYTES} of compaction per round. Rounds never overlap (synchronized).
 */
public final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    static final int MAX_CANDIDATES = 200_000;
    static final int MAX_BATCH = 10_000;
    static final long COMPACT_STEP_BYTES = 64L * 1024 * 1024;
    static final long COMPACT_BUDGET_BYTES = 1024L * 1024 * 1024;

    /** What one round did. {@code unanswered}: replica queries that failed. */
    public record Round(int candidates, int adopted, int revived, int reclaimed, int unanswered) {}

    private final BlockStore store;
    private final ReplicaPeers peers;
    private final Transport transport;
    private final Clock clock;
    private final Duration lookahead;
    private final Duration grace;
    private final Duration timeout;

    LeaseKeeper(BlockStore store, ReplicaPeers peers, Transport transport, Clock clock, Duration lookahead,
                Duration grace, Duration timeout) {
        this.store = store;
        this.peers = peers;
        this.transport = transport;
        this.clock = clock;
        this.lookahead = lookahead;
        this.grace = grace;
        this.timeout = timeout;
    }

    public synchronized Round runOnce() {
        Instant now = clock.now();
        long horizon = now.plus(lookahead).getEpochSecond();
        Map<Address, Lease> candidates = new HashMap<>();
        store.forEachLease((a, lease) -> {
            if (!lease.isNever() && lease.expiresEpochSecond() < horizon && candidates.size() < MAX_CANDIDATES) {
                candidates.put(a, lease);
            }
        });
        Map<Address, Lease> best = new HashMap<>();
        Map<Address, URI> holder = new HashMap<>();
        int unanswered = 0;
        if (!candidates.isEmpty()) {
            List<Member> others = peers.aliveOthers();
            Map<URI, List<Address>> byReplica = new LinkedHashMap<>();
            for (Address a : candidates.keySet()) {
                for (URI replica : peers.of(a, others)) {
                    byReplica.computeIfAbsent(replica, k -> new ArrayList<>()).add(a);
                }
            }
            List<CompletableFuture<Map<Address, Lease>>> queries = new ArrayList<>();
            List<URI> askedWhom = new ArrayList<>();
            for (Map.Entry<URI, List<Address>> e : byReplica.entrySet()) {
                List<Address> all = e.getValue();
                for (int i = 0; i < all.size(); i += MAX_BATCH) {
                    queries.add(query(e.getKey(), all.subList(i, Math.min(all.size(), i + MAX_BATCH))));
                    askedWhom.add(e.getKey());
                }
            }
            for (int i = 0; i < queries.size(); i++) {
                Map<Address, Lease> answer = queries.get(i).join();
                if (answer == null) {
                    unanswered++;
                    continue;
                }
                URI replica = askedWhom.get(i);
                answer.forEach((a, lease) -> {
                    Lease known = best.get(a);
                    if (known == null || lease.expiresEpochSecond() > known.expiresEpochSecond()) {
                        best.put(a, lease);
                        holder.put(a, replica);
                    }
                });
            }
        }
        int adopted = 0;
        int revived = 0;
        for (Map.Entry<Address, Lease> c : candidates.entrySet()) {
            Address a = c.getKey();
            LeaseVerdict verdict = LeaseVerdict.decide(c.getValue(), best.get(a), now);
            switch (verdict.kind()) {
                case KEEP -> { }
                case ADOPT -> {
                    if (store.renew(a, verdict.lease())) {
                        adopted++;
                    } else if (revive(a, holder.get(a), verdict.lease())) {
                        revived++; // it ended between the walk and now
                    }
                }
                case REVIVE -> {
                    if (revive(a, holder.get(a), verdict.lease())) {
                        revived++;
                    }
                }
            }
        }
        if (adopted > 0) {
            store.sync(); // renewals are journaled lazily; these must survive a crash before the next round
        }
        int reclaimed = 0;
        Instant reclaimBefore = now.minus(grace);
        for (int i = 0; i < 64; i++) {
            int n = store.expire(reclaimBefore);
            reclaimed += n;
            if (n == 0) {
                break;
            }
        }
        if (reclaimed > 0) {
            long budget = COMPACT_BUDGET_BYTES;
            while (budget > 0) {
                BlockStore.CompactionReport step = store.compact(COMPACT_STEP_BYTES);
                budget -= Math.max(step.bytesScanned(), 1);
                if (!step.busy()) {
                    break;
                }
            }
        }
        Round round = new Round(candidates.size(), adopted, revived, reclaimed, unanswered);
        if (round.adopted() + round.revived() + round.reclaimed() + round.unanswered() > 0) {
            log.info("lease keeper: {} blocks near or past their end, {} leases adopted from other replicas, {} revived,"
                    + " {} reclaimed, {} replica queries unanswered", round.candidates(), adopted, revived, reclaimed, unanswered);
        }
        return round;
    }

    /** The live leases {@code replica} holds for {@code addresses}; null when it did not answer. */
    private CompletableFuture<Map<Address, Lease>> query(URI replica, List<Address> addresses) {
        var body = Json.MAPPER.createObjectNode();
        var list = body.putArray("addresses");
        addresses.forEach(a -> list.add(a.hex()));
        HttpCall call = new HttpCall("POST", replica.resolve(LeaseQueryRoute.PATH),
                Map.of("Content-Type", "application/json"), ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)),
                timeout, true);
        return transport.exchange(call).handle((HttpReply reply, Throwable error) -> {
            if (error != null || reply.status() != 200) {
                log.debug("lease query at {} failed: {}", replica, error != null ? error.getMessage() : reply.status());
                return null;
            }
            Map<Address, Lease> out = new HashMap<>();
            JsonNode leases = Json.MAPPER.readTree(reply.body()).path("leases");
            for (var e : leases.properties()) {
                try {
                    Address a = Address.parse(e.getKey());
                    JsonNode v = e.getValue();
                    if (v.isString() && v.stringValue().equals("never")) {
                        out.put(a, Lease.NEVER);
                    } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                        out.put(a, new Lease(v.longValue()));
                    }
                } catch (CairnException ignored) {
                    // a peer that sends garbage is ignored, entry by entry
                }
            }
            return out;
        });
    }

    /** Brings an ended copy back with {@code lease}, the bytes fetched from {@code from}. */
    private boolean revive(Address address, URI from, Lease lease) {
        if (from == null) {
            return false;
        }
        HttpCall call = HttpCall.get(from.resolve("/internal/blocks/" + address.hex())).withTimeout(timeout).internalCall();
        try {
            HttpReply reply = transport.exchange(call).join();
            if (reply.status() != 200 || !address.matches(reply.body(), 0, reply.body().length)) {
                return false;
            }
            store.put(address, ByteBuffer.wrap(reply.body()), lease);
            return true;
        } catch (RuntimeException e) {
            log.debug("reviving {} from {} failed: {}", address, from, e.toString());
            return false;
        }
    }
}
