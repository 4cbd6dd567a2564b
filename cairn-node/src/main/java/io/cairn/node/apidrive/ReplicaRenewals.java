package io.cairn.node.apidrive;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.membership.Member;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries reads' lease renewals to a block's other replicas in batches (SPEC §2: "every read
 * renews it at that node and, in batches, at the other replicas").
 *
 * <p>A read {@link #offer}s (address, lease wanted). Offers wait in a bounded map until
 * {@link #flush}, which groups them by replica and sends each replica one
 * {@code POST /internal/leases} per {@link #MAX_BATCH} addresses, with the earliest lease of the
 * batch (so no replica is given more than a read justified; leases only grow there). A block
 * read again and again is sent once per {@link #RESEND_SLACK_SECONDS} at most: the last lease
 * sent is remembered (bounded, forgotten wholesale when full).
 *
 * <p>Nothing here is needed for safety: an offer dropped because the map is full, or a replica
 * that was down during the flush, is caught by the {@link LeaseKeeper}, which asks the other
 * replicas before any block expires. Renewals make that check rarely find work.
 */
final class ReplicaRenewals {
    private static final Logger log = LoggerFactory.getLogger(ReplicaRenewals.class);
    static final int MAX_BATCH = 10_000;
    /** A block is re-sent only when its lease would rise by more than this (1 hour). */
    static final long RESEND_SLACK_SECONDS = 3600;
    static final int MAX_REMEMBERED = 1 << 20;

    private final ReplicaPeers peers;
    private final Transport transport;
    private final Duration timeout;
    private final int maxPending;
    private final ConcurrentHashMap<Address, Long> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Address, Long> lastSent = new ConcurrentHashMap<>();

    ReplicaRenewals(ReplicaPeers peers, Transport transport, Duration timeout, int maxPending) {
        this.peers = peers;
        this.transport = transport;
        this.timeout = timeout;
        this.maxPending = maxPending;
    }

    /** A read of {@code address} wants its lease at {@code wanted} on every replica. */
    void offer(Address address, Lease wanted) {
        long second = wanted.expiresEpochSecond();
        Long sent = lastSent.get(address);
        if (sent != null && sent >= second - RESEND_SLACK_SECONDS) {
            return;
        }
        if (pending.size() < maxPending) {
            pending.merge(address, second, Math::max);
        }
    }

    int pendingCount() {
        return pending.size();
    }

    /** Sends every pending renewal; returns how many (address, replica) renewals were acknowledged. */
    synchronized int flush() {
        if (pending.isEmpty()) {
            return 0;
        }
        Map<Address, Long> batch = new HashMap<>();
        for (Address a : List.copyOf(pending.keySet())) {
            Long s = pending.remove(a);
            if (s != null) {
                batch.put(a, s);
            }
        }
        List<Member> others = peers.aliveOthers();
        Map<URI, List<Address>> byReplica = new LinkedHashMap<>();
        for (Address a : batch.keySet()) {
            for (URI replica : peers.of(a, others)) {
                byReplica.computeIfAbsent(replica, k -> new ArrayList<>()).add(a);
            }
        }
        List<CompletableFuture<Integer>> sends = new ArrayList<>();
        for (Map.Entry<URI, List<Address>> e : byReplica.entrySet()) {
            List<Address> all = e.getValue();
            for (int i = 0; i < all.size(); i += MAX_BATCH) {
                List<Address> part = all.subList(i, Math.min(all.size(), i + MAX_BATCH));
                long lease = part.stream().mapToLong(batch::get).min().orElseThrow();
                sends.add(send(e.getKey(), part, lease));
            }
        }
        int acknowledged = sends.stream().mapToInt(CompletableFuture::join).sum();
        if (lastSent.size() > MAX_REMEMBERED) {
            lastSent.clear();
        }
        batch.forEach((a, s) -> lastSent.merge(a, s, Math::max));
        return acknowledged;
    }

    private CompletableFuture<Integer> send(URI replica, List<Address> addresses, long lease) {
        var body = Json.MAPPER.createObjectNode();
        var list = body.putArray("addresses");
        addresses.forEach(a -> list.add(a.hex()));
        body.put("expiresEpochSecond", lease);
        HttpCall call = new HttpCall("POST", replica.resolve("/internal/leases"),
                Map.of("Content-Type", "application/json"), ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)),
                timeout, true);
        return transport.exchange(call).handle((HttpReply reply, Throwable error) -> {
            if (error != null || reply.status() != 200) {
                log.debug("lease renewal of {} blocks at {} failed: {}", addresses.size(), replica,
                        error != null ? error.getMessage() : "status " + reply.status());
                return 0;
            }
            return Json.MAPPER.readTree(reply.body()).path("renewed").asInt(0);
        });
    }
}
