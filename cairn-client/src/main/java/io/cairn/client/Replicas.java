package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.NodeInfo;
import io.cairn.core.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import io.cairn.core.NodeStatus;
import java.util.List;

/**
 * Where a block goes and where to look for it: pure functions over a node list (ARCHITECTURE:
 * decisions are pure, I/O is thin).
 *
 * <p>Writes: the block goes to its {@code N'} XOR-closest alive storage nodes (the primaries).
 * When a primary fails, the writer hands the copy to the next closest alive storage node (a
 * fallback), so that a node that died since the node list was read does not fail the write;
 * repair later moves copies to where they belong.
 *
 * <p>Reads: the replicas first, least loaded first (ties by distance), then every other alive
 * storage node by distance (a handed-off copy sits on the next closest), then the rest of the
 * known nodes that are not dead. Distance order is the same for every client with the same list.
 */
public final class Replicas {
    private Replicas() {}

    /** A write's targets: primaries in parallel, then fallbacks in order, and the quorum. */
    public record WritePlan(Address address, List<NodeInfo> primaries, List<NodeInfo> fallbacks, int quorum) {
        public WritePlan {
            primaries = List.copyOf(primaries);
            fallbacks = List.copyOf(fallbacks);
        }
    }

    /** Alive nodes with the storage role, in the given order. */
    public static List<NodeInfo> aliveStorage(Collection<NodeInfo> nodes) {
        return nodes.stream().filter(n -> n.alive() && n.stores()).toList();
    }

    /**
     * The plan for writing {@code address}; throws UNAVAILABLE (503) when fewer than the write
     * quorum of storage nodes are alive. Fallbacks are at most {@code N} further nodes.
     */
    public static WritePlan writePlan(Address address, Collection<NodeInfo> nodes, ReplicationPolicy policy) {
        List<NodeInfo> alive = aliveStorage(nodes);
        policy.requireWritable(alive.size());
        int primaries = policy.replicasFor(alive.size());
        List<NodeInfo> ordered = Placement.closest(address, alive, primaries + policy.replicas(), NodeInfo::id);
        return new WritePlan(address, ordered.subList(0, primaries),
                ordered.subList(primaries, ordered.size()), policy.writeQuorum());
    }

    /** The N' replicas of a block in the current node list, closest first. */
    public static List<NodeInfo> replicas(Address address, Collection<NodeInfo> nodes, ReplicationPolicy policy) {
        List<NodeInfo> alive = aliveStorage(nodes);
        return Placement.closest(address, alive, policy.replicasFor(alive.size()), NodeInfo::id);
    }

    /** Every node worth asking for a block, in the order to ask (see the class comment). */
    public static List<NodeInfo> readOrder(Address address, Collection<NodeInfo> nodes, ReplicationPolicy policy) {
        return readOrder(address, nodes, policy, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} nodes of the full read order. A chunk read uses a small limit (its
     * copies sit on the closest nodes, handed-off ones just behind), which keeps the per-chunk cost
     * at O(M log limit) for M nodes; a file's first block is looked for everywhere.
     */
    public static List<NodeInfo> readOrder(Address address, Collection<NodeInfo> nodes, ReplicationPolicy policy,
                                           int limit) {
        List<NodeInfo> alive = aliveStorage(nodes);
        List<NodeInfo> byDistance = Placement.closest(address, alive, Math.min(limit, alive.size()), NodeInfo::id);
        int n = Math.min(policy.replicasFor(alive.size()), byDistance.size());
        List<NodeInfo> replicas = new ArrayList<>(byDistance.subList(0, n));
        // Stable sort: equal load keeps distance order.
        replicas.sort(Comparator.comparingDouble(NodeInfo::load));
        List<NodeInfo> order = new ArrayList<>(replicas);
        order.addAll(byDistance.subList(n, byDistance.size()));
        if (order.size() < limit) {
            Set<NodeInfo> chosen = new HashSet<>(order);
            List<NodeInfo> others = nodes.stream()
                    .filter(x -> !chosen.contains(x) && x.status() != NodeStatus.DEAD)
                    .toList();
            order.addAll(Placement.closest(address, others, Math.min(others.size(), limit - order.size()), NodeInfo::id));
        }
        return order;
    }
}
