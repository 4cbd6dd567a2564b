package io.cairn.node.directory;

import io.cairn.client.HttpCall;
import io.cairn.client.Replicas;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.Clock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.NodeInfo;
import io.cairn.core.names.NameKey;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps alive the blocks that names refer to (SPEC §2: "whoever refers to a block keeps its lease
 * alive by renewing").
 *
 * <p>Each round (every {@code leaseRenewInterval}, default a day; leases last 30 days) the
 * <i>owner</i> of each record, and only the owner, so each block is renewed once per round and
 * not R times, collects the addresses of every resolvable record: the block, or a file's manifest
 * and all its chunks. Each address goes to its N XOR-closest alive storage nodes, in batches of at
 * most {@value #BATCH} addresses per call of {@code POST /internal/leases} (this node's own store
 * directly). The new lease is 30 days from now, or the record's memcache expiry when it has one.
 * Leases only grow. A deleted or expired name is simply skipped: its blocks are no longer renewed
 * and expire when their leases run out (unless something else renews them).
 */
final class LeaseKeeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    static final int BATCH = 10_000;

    private final Directory directory;
    private final RingView ring;
    private final BlockStore store;
    private final Transport transport;
    private final Clock clock;

    LeaseKeeper(Directory directory, RingView ring, BlockStore store, Transport transport, Clock clock) {
        this.directory = directory;
        this.ring = ring;
        this.store = store;
        this.transport = transport;
        this.clock = clock;
    }

    /** One round; returns the number of addresses whose renewal was sent. */
    long round() {
        Instant now = clock.now();
        RingView.Snapshot snap = ring.snapshot();
        List<NodeInfo> nodes = directory.membershipInfos();
        Map<Target, List<Address>> pending = new HashMap<>();
        long[] sent = {0};
        directory.store().forEach(r -> {
            if (!r.resolvable(now)) {
                return;
            }
            List<io.cairn.core.NodeId> succ = snap.ring().successors(NameKey.of(r.entry().name()), 1);
            if (succ.isEmpty() || !succ.getFirst().equals(ring.self())) {
                return;
            }
            long expires = r.expiresEpochSecond() != NameRecord.NEVER
                    ? r.expiresEpochSecond() : Lease.defaultFrom(now).expiresEpochSecond();
            List<Address> addresses = r.file() ? directory.blobs().referenced(r.entry().address())
                    : List.of(r.entry().address());
            for (Address a : addresses) {
                for (NodeInfo n : Replicas.replicas(a, nodes, directory.blobs().blocks().policy())) {
                    Target t = new Target(n.id().equals(ring.self()) ? null : n.url(), expires);
                    List<Address> list = pending.computeIfAbsent(t, x -> new ArrayList<>());
                    list.add(a);
                    if (list.size() == BATCH) {
                        sent[0] += flush(t, pending.remove(t));
                    }
                }
            }
        });
        pending.forEach((t, list) -> sent[0] += flush(t, list));
        return sent[0];
    }

    /** Renews one record's blocks now (memcache touch). */
    void renew(NameRecord r) {
        List<Address> addresses = r.file() ? directory.blobs().referenced(r.entry().address()) : List.of(r.entry().address());
        long expires = r.expiresEpochSecond() != NameRecord.NEVER
                ? r.expiresEpochSecond() : Lease.defaultFrom(clock.now()).expiresEpochSecond();
        for (Address a : addresses) {
            for (NodeInfo n : Replicas.replicas(a, directory.membershipInfos(), directory.blobs().blocks().policy())) {
                flush(new Target(n.id().equals(ring.self()) ? null : n.url(), expires), List.of(a));
            }
        }
    }

    private record Target(URI node, long expiresEpochSecond) {}

    private int flush(Target t, List<Address> addresses) {
        if (t.node() == null) {
            Lease lease = new Lease(t.expiresEpochSecond());
            addresses.forEach(a -> store.renew(a, lease));
            return addresses.size();
        }
        var body = Json.MAPPER.createObjectNode();
        var list = body.putArray("addresses");
        addresses.forEach(a -> list.add(a.hex()));
        body.put("expiresEpochSecond", t.expiresEpochSecond());
        HttpCall call = new HttpCall("POST", t.node().resolve("/internal/leases"), Map.of("Content-Type", "application/json"),
                ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)), directory.settings().peerTimeout().multipliedBy(5), true);
        try {
            var reply = transport.exchange(call).get(directory.settings().peerTimeout().toMillis() * 6, TimeUnit.MILLISECONDS);
            if (reply.status() != 200) {
                log.debug("lease renewal at {} answered {}", t.node(), reply.status());
            }
        } catch (Exception e) {
            log.debug("lease renewal at {} failed: {}", t.node(), e.toString());
        }
        return addresses.size();
    }
}
