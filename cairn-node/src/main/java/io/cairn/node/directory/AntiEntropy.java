package io.cairn.node.directory;

import io.cairn.core.NodeId;
import io.cairn.core.names.NameKey;
import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the R replicas of every record equal and moves records when the ring changes.
 *
 * <p><b>A round</b> (every {@code antiEntropyInterval}, and at once after the ring changed):
 * <ol>
 *   <li>One pass over the store builds {@link BucketDigests} for every peer.</li>
 *   <li>For each peer on the ring: send it our digests; it answers which buckets differ from its
 *       own; push it every shared record in those buckets (batches of {@value #BATCH}). The peer
 *       merges by last-writer-wins and does the same towards us in its round, so after both
 *       rounds both hold the winner of every shared name.</li>
 *   <li>Hand-off: records of names for which this node is no longer a successor (a node joined,
 *       or this one came back) are pushed to all their current successors and then removed here,
 *       but only when every successor acknowledged and the record is still the one pushed.
 *       A removed record therefore exists durably on R nodes; none is lost.</li>
 * </ol>
 * When every step succeeded the round reports its starting ring generation to {@link RingView},
 * which marks the ring settled (owners may then answer from their own store).
 *
 * <p><b>Cost.</b> Two passes over the local store per round plus one per differing peer, and a
 * digest pass per peer request (cached while neither ring nor store changed). Bounded memory:
 * at most {@value #BATCH} records are held per push.
 */
final class AntiEntropy {
    private static final Logger log = LoggerFactory.getLogger(AntiEntropy.class);
    static final int BATCH = 5_000;

    private final Directory directory;
    private final RingView ring;
    private final DirectoryPeers peers;
    private volatile CachedTable cached;

    private record CachedTable(long generation, long storeVersion, BucketDigests table) {}

    AntiEntropy(Directory directory, RingView ring, DirectoryPeers peers) {
        this.directory = directory;
        this.ring = ring;
        this.peers = peers;
    }

    /** This node's digests of the records it shares with {@code peer} (for the digests route). */
    long[] digestsFor(NodeId peer) {
        return table(ring.snapshot()).digestsFor(peer);
    }

    private BucketDigests table(RingView.Snapshot snap) {
        long version = directory.store().version();
        CachedTable c = cached;
        if (c != null && c.generation() == snap.generation() && c.storeVersion() == version) {
            return c.table();
        }
        BucketDigests t = new BucketDigests(snap.ring(), ring.self(), directory.settings().replicas());
        directory.store().forEach(t::add);
        cached = new CachedTable(snap.generation(), version, t);
        return t;
    }

    /** Runs one round; true when it completed without failures. */
    boolean round() {
        RingView.Snapshot snap = ring.snapshot();
        NodeId self = ring.self();
        long timeoutMs = directory.settings().peerTimeout().toMillis() * 4;
        BucketDigests table = table(snap);
        boolean ok = true;
        for (NodeId peer : snap.ring().nodes()) {
            if (peer.equals(self)) {
                continue;
            }
            URI url = snap.url(peer);
            try {
                List<Integer> differ = peers.compare(url, self, table.digestsFor(peer)).get(timeoutMs, TimeUnit.MILLISECONDS);
                if (!differ.isEmpty()) {
                    pushShared(snap, peer, url, differ, timeoutMs);
                }
            } catch (Exception e) {
                ok = false;
                log.debug("anti-entropy with {} failed: {}", url, e.toString());
            }
        }
        if (table.handOffs() > 0) {
            ok &= handOff(snap, timeoutMs);
        }
        if (ok) {
            ring.roundCompleted(snap.generation());
        }
        return ok;
    }

    private void pushShared(RingView.Snapshot snap, NodeId peer, URI url, List<Integer> differ, long timeoutMs)
            throws Exception {
        BitSet buckets = new BitSet(BucketDigests.BUCKETS);
        differ.forEach(buckets::set);
        int replicas = directory.settings().replicas();
        List<NameRecord> batch = new ArrayList<>();
        List<Exception> failure = new ArrayList<>();
        directory.store().forEach(r -> {
            if (!failure.isEmpty()) {
                return;
            }
            NameKey key = NameKey.of(r.entry().name());
            if (!buckets.get(BucketDigests.bucket(key))) {
                return;
            }
            List<NodeId> succ = snap.ring().successors(key, replicas);
            if (succ.contains(peer) && succ.contains(ring.self())) {
                batch.add(r);
                if (batch.size() == BATCH) {
                    send(url, batch, timeoutMs, failure);
                }
            }
        });
        if (failure.isEmpty() && !batch.isEmpty()) {
            send(url, batch, timeoutMs, failure);
        }
        if (!failure.isEmpty()) {
            throw failure.getFirst();
        }
    }

    private void send(URI url, List<NameRecord> batch, long timeoutMs, List<Exception> failure) {
        try {
            peers.push(url, List.copyOf(batch)).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            failure.add(e);
        }
        batch.clear();
    }

    private boolean handOff(RingView.Snapshot snap, long timeoutMs) {
        int replicas = directory.settings().replicas();
        NodeId self = ring.self();
        List<NameRecord> pending = new ArrayList<>();
        boolean[] ok = {true};
        directory.store().forEach(r -> {
            List<NodeId> succ = snap.ring().successors(NameKey.of(r.entry().name()), replicas);
            if (!succ.isEmpty() && !succ.contains(self)) {
                pending.add(r);
                if (pending.size() == BATCH) {
                    ok[0] &= handOffBatch(snap, pending, timeoutMs);
                }
            }
        });
        if (!pending.isEmpty()) {
            ok[0] &= handOffBatch(snap, pending, timeoutMs);
        }
        return ok[0];
    }

    private boolean handOffBatch(RingView.Snapshot snap, List<NameRecord> records, long timeoutMs) {
        int replicas = directory.settings().replicas();
        Map<NodeId, List<NameRecord>> byTarget = new HashMap<>();
        Map<NameRecord, List<NodeId>> targets = new HashMap<>();
        for (NameRecord r : records) {
            List<NodeId> succ = snap.ring().successors(NameKey.of(r.entry().name()), replicas);
            targets.put(r, succ);
            for (NodeId n : succ) {
                byTarget.computeIfAbsent(n, x -> new ArrayList<>()).add(r);
            }
        }
        Map<NodeId, Boolean> delivered = new HashMap<>();
        byTarget.forEach((node, list) -> {
            try {
                peers.push(snap.url(node), list).get(timeoutMs, TimeUnit.MILLISECONDS);
                delivered.put(node, true);
            } catch (Exception e) {
                log.debug("hand-off to {} failed: {}", snap.url(node), e.toString());
                delivered.put(node, false);
            }
        });
        boolean all = true;
        for (NameRecord r : records) {
            if (targets.get(r).stream().allMatch(n -> delivered.getOrDefault(n, false))) {
                directory.store().removeIfSame(r);
            } else {
                all = false;
            }
        }
        directory.store().sync();
        records.clear();
        return all;
    }
}
