package io.cairn.node.directory;

import io.cairn.core.NodeId;
import io.cairn.core.names.HashRing;
import io.cairn.core.names.NameKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Summaries of the records a node shares with each peer, for anti-entropy. Pure.
 *
 * <p><b>What.</b> Two nodes "share" a name when both are among its R successors on the ring.
 * For each peer, the shared names are split into {@value #BUCKETS} buckets by the top 8 bits of
 * their name key, and each bucket is summarised by the XOR of its records' 64-bit fingerprints
 * (first 8 bytes of SHA-256 of the encoded record). Two nodes holding the same records for a
 * bucket compute the same digest whatever order they saw them in; a bucket whose digests differ
 * is pushed in full (then the peer pushes back in its own round).
 *
 * <p><b>Why this shape.</b> XOR sums need no sorting and are built in one pass over the store;
 * 256 buckets keep a digest exchange at 4 KiB while a difference costs about 1/256 of the shared
 * records (a Merkle tree would cut that further; not needed at this scale, see DECISIONS). A
 * fingerprint collision hides a difference with chance 2<sup>−64</sup> per bucket and round.
 * Records a node holds but no longer shares with anyone because it is not a successor any more
 * are counted as hand-offs.
 */
final class BucketDigests {
    static final int BUCKETS = 256;

    private final HashRing ring;
    private final NodeId self;
    private final int replicas;
    private final Map<NodeId, long[]> digests = new HashMap<>();
    private long handOffs;

    BucketDigests(HashRing ring, NodeId self, int replicas) {
        this.ring = ring;
        this.self = self;
        this.replicas = replicas;
    }

    static int bucket(NameKey key) {
        return (int) (key.hi() >>> 56);
    }

    void add(NameRecord r) {
        NameKey key = NameKey.of(r.entry().name());
        List<NodeId> succ = ring.successors(key, replicas);
        if (!succ.contains(self)) {
            handOffs++;
            return;
        }
        long fp = r.fingerprint();
        int b = bucket(key);
        for (NodeId n : succ) {
            if (!n.equals(self)) {
                digests.computeIfAbsent(n, x -> new long[BUCKETS])[b] ^= fp;
            }
        }
    }

    long[] digestsFor(NodeId peer) {
        long[] d = digests.get(peer);
        return d == null ? new long[BUCKETS] : d.clone();
    }

    long handOffs() {
        return handOffs;
    }

    static List<Integer> differing(long[] mine, long[] theirs) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < BUCKETS; i++) {
            if (mine[i] != theirs[i]) {
                out.add(i);
            }
        }
        return out;
    }
}
