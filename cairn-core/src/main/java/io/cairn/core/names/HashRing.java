package io.cairn.core.names;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The directory ring (SPEC §3.4): which directory nodes hold the entry of a name. Called by the
 * directory role on every request and by repair when membership changes; it promises that two
 * nodes that agree on the set of directory nodes agree on every answer.
 *
 * <p><b>What.</b> Consistent hashing (Karger et al., STOC 1997) with virtual nodes (as in Chord's
 * and Dynamo's papers). The key space is the unsigned 128-bit circle of {@link NameKey}. Each node
 * sits at V points of the circle; the entry of a key lives on the R distinct nodes met walking
 * clockwise from the key, the first being its <i>owner</i>. A key equal to a point belongs to that
 * point's node.
 *
 * <p><b>Why this design.</b> When a node joins, only keys between its new points and their
 * predecessors move, all to the joiner; when one leaves, only its keys move, to their next
 * successors: about 1/n of the keys either way, which is what makes handing entries over cheap.
 * One point per node would give shares spread like exponential gaps (the largest about ln n / n);
 * V points bring a node's share to within roughly 1/sqrt(V) of 1/n. Points are derived by hashing,
 * never chosen at random, so the ring is a pure function of the node set: no coordination, and the
 * order in which nodes were learned does not matter. SHA-256 makes the points uniform and
 * independent of how node IDs were made.
 *
 * <p><b>Layout.</b> Immutable; three parallel arrays sorted by point, so a lookup is one binary
 * search plus a short walk (expected about R·(1 + small) steps, never more than all points).
 *
 * <table>
 *   <caption>ring layout</caption>
 *   <tr><th>item</th><th>definition</th></tr>
 *   <tr><td>point of node n, index i</td><td>first 16 bytes of SHA-256(n's 32 ID bytes ‖ i as 4-byte
 *       big-endian unsigned), i = 0..V−1, read as an unsigned 128-bit integer</td></tr>
 *   <tr><td>{@code pointHi[k]}, {@code pointLo[k]}</td><td>the k-th smallest point, as two unsigned longs</td></tr>
 *   <tr><td>{@code pointNode[k]}</td><td>index into {@code nodes} of that point's node</td></tr>
 *   <tr><td>{@code nodes}</td><td>the distinct node IDs in unsigned order</td></tr>
 *   <tr><td>ties between equal points</td><td>(chance about 2<sup>−128</sup>) broken by node order, then i</td></tr>
 *   <tr><td>owner of key k</td><td>node of the first point ≥ k, wrapping to the smallest point</td></tr>
 *   <tr><td>successors(k, R)</td><td>the first R distinct nodes from there on, clockwise; all nodes
 *       when fewer than R</td></tr>
 * </table>
 *
 * <table>
 *   <caption>measured with 64 points per node (HashRingTest, seeded node IDs)</caption>
 *   <tr><th>nodes</th><th>owner share / mean: min, max, cv</th><th>keys changing owner on a join (ideal 1/(n+1))</th></tr>
 *   <tr><td>3</td><td>0.94, 1.06, 0.05</td><td>0.283 (0.250)</td></tr>
 *   <tr><td>10</td><td>0.88, 1.11, 0.07</td><td>0.092 (0.091)</td></tr>
 *   <tr><td>100</td><td>0.67, 1.33, 0.12</td><td>0.0102 (0.0099)</td></tr>
 * </table>
 * Every key that changes owner on a join goes to the joiner, and a replica set changes by at most
 * the joiner replacing one member.
 */
public final class HashRing {
    public static final int DEFAULT_VIRTUAL_NODES = 64;
    public static final int MAX_VIRTUAL_NODES = 4096;
    /** Bounds memory: 16M points are 384 MiB of arrays; far beyond any sane directory. */
    public static final int MAX_POINTS = 1 << 24;

    private final NodeId[] nodes;
    private final int virtualNodes;
    private final long[] pointHi;
    private final long[] pointLo;
    private final int[] pointNode;

    private HashRing(NodeId[] nodes, int virtualNodes) {
        this.nodes = nodes;
        this.virtualNodes = virtualNodes;
        int count = nodes.length * virtualNodes;
        long[][] points = new long[count][]; // {hi, lo, node, index}
        for (int n = 0; n < nodes.length; n++) {
            for (int i = 0; i < virtualNodes; i++) {
                NameKey p = point(nodes[n], i);
                points[n * virtualNodes + i] = new long[] {p.hi(), p.lo(), n, i};
            }
        }
        Arrays.sort(points, Comparator.<long[]>comparingLong(a -> a[0] ^ Long.MIN_VALUE)
                .thenComparingLong(a -> a[1] ^ Long.MIN_VALUE)
                .thenComparingLong(a -> a[2])
                .thenComparingLong(a -> a[3]));
        pointHi = new long[count];
        pointLo = new long[count];
        pointNode = new int[count];
        for (int k = 0; k < count; k++) {
            pointHi[k] = points[k][0];
            pointLo[k] = points[k][1];
            pointNode[k] = (int) points[k][2];
        }
    }

    /** A ring of the given nodes (duplicates ignored) with {@link #DEFAULT_VIRTUAL_NODES} points each. */
    public static HashRing of(Collection<NodeId> nodes) {
        return of(nodes, DEFAULT_VIRTUAL_NODES);
    }

    public static HashRing of(Collection<NodeId> nodes, int virtualNodes) {
        if (virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
            throw new IllegalArgumentException("virtual nodes must be 1.." + MAX_VIRTUAL_NODES + ", got " + virtualNodes);
        }
        NodeId[] distinct = new TreeSet<>(nodes).toArray(NodeId[]::new);
        if ((long) distinct.length * virtualNodes > MAX_POINTS) {
            throw new IllegalArgumentException("ring of " + distinct.length + " nodes × " + virtualNodes
                    + " points exceeds " + MAX_POINTS + " points");
        }
        return new HashRing(distinct, virtualNodes);
    }

    /** The point of a node's i-th virtual node. */
    public static NameKey point(NodeId node, int index) {
        MessageDigest sha = Address.sha256();
        sha.update(node.toBytes());
        sha.update(new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index});
        return NameKey.ofDigestPrefix(sha.digest());
    }

    /**
     * The up to {@code r} distinct nodes that hold the entry of {@code key}, owner first, in ring
     * order. Fewer than {@code r} only when the ring has fewer nodes; empty for an empty ring.
     */
    public List<NodeId> successors(NameKey key, int r) {
        if (r < 0) {
            throw new IllegalArgumentException("r must be non-negative, got " + r);
        }
        int want = Math.min(r, nodes.length);
        List<NodeId> out = new ArrayList<>(want);
        if (want == 0) {
            return out;
        }
        boolean[] taken = new boolean[nodes.length];
        int start = firstPointAtOrAfter(key);
        for (int step = 0; step < pointNode.length && out.size() < want; step++) {
            int node = pointNode[(start + step) % pointNode.length];
            if (!taken[node]) {
                taken[node] = true;
                out.add(nodes[node]);
            }
        }
        return out;
    }

    public List<NodeId> successors(Name name, int r) {
        return successors(NameKey.of(name), r);
    }

    /** The owner of a key: its first successor. UNAVAILABLE when the ring is empty. */
    public NodeId owner(NameKey key) {
        if (nodes.length == 0) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "no directory nodes are known");
        }
        return nodes[pointNode[firstPointAtOrAfter(key) % pointNode.length]];
    }

    /** This ring plus one node (this ring if it already holds it). */
    public HashRing with(NodeId node) {
        if (contains(node)) {
            return this;
        }
        List<NodeId> more = new ArrayList<>(Arrays.asList(nodes));
        more.add(node);
        return of(more, virtualNodes);
    }

    /** This ring without one node (this ring if it does not hold it). */
    public HashRing without(NodeId node) {
        if (!contains(node)) {
            return this;
        }
        List<NodeId> fewer = new ArrayList<>(Arrays.asList(nodes));
        fewer.remove(node);
        return of(fewer, virtualNodes);
    }

    public boolean contains(NodeId node) {
        return Arrays.binarySearch(nodes, node) >= 0;
    }

    /** The nodes in unsigned ID order. */
    public List<NodeId> nodes() {
        return List.of(nodes);
    }

    public int size() {
        return nodes.length;
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    int pointCount() {
        return pointNode.length;
    }

    NameKey pointAt(int k) {
        return new NameKey(pointHi[k], pointLo[k]);
    }

    NodeId nodeAt(int k) {
        return nodes[pointNode[k]];
    }

    /** Index of the first point ≥ key; {@code pointCount()} when the key is past the last point. */
    private int firstPointAtOrAfter(NameKey key) {
        int low = 0;
        int high = pointHi.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            int c = Long.compareUnsigned(pointHi[mid], key.hi());
            if (c == 0) {
                c = Long.compareUnsigned(pointLo[mid], key.lo());
            }
            if (c < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    @Override
    public String toString() {
        return "HashRing[" + nodes.length + " nodes × " + virtualNodes + " points]";
    }
}
