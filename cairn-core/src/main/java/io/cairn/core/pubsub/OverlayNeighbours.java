package io.cairn.core.pubsub;

import io.cairn.core.Address;
import io.cairn.core.NodeId;
import io.cairn.core.Placement;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Which nodes a node exchanges filters and publications with.
 *
 * <p><b>What.</b> Each node chooses its {@code closest} XOR-closest known nodes (Kademlia
 * distance, as {@link Placement}) plus {@code random} others drawn uniformly from the rest. Links
 * are then made undirected: a node's neighbours are those it chose and those that chose it.
 *
 * <p><b>Why.</b> The XOR-closest links give every node a stable, locally clustered core that the
 * filters describe well; the random links are Quasar's (and small-world networks') shortcuts that
 * keep the overlay's diameter small so a depth-3 filter sees far. Undirected, because filters
 * flow both ways over a link and a node drops filter updates from non-neighbours: with directed
 * choices alone, A could push to B while B refused A as a stranger.
 *
 * <p><b>Determinism.</b> The candidates are sorted by ID before the random draw, so the choice
 * depends only on the node set and the generator, never on a collection's iteration order.
 * {@link #ofMembership} derives each chooser's generator from its ID and a shared salt, so every
 * node can recompute everyone's choices from the membership list and knows who chose it without a
 * handshake. Pure; no I/O. Cost of {@link #ofMembership}: O(N² log N) for N members.
 *
 * <p><b>Invariants.</b> A node never neighbours itself; a choice has at most
 * {@code closest + random} distinct nodes; {@code closest + random <= MAX_NEIGHBOURS / 2}, so an
 * undirected degree above {@link PubSubLimits#MAX_NEIGHBOURS} needs many nodes to choose one node
 * (possible in principle for XOR-closest picks; the router caps what it uses).
 */
public final class OverlayNeighbours {
    private OverlayNeighbours() {}

    /**
     * The nodes {@code self} chooses: its {@code closest} XOR-closest (closest first), then up to
     * {@code random} others uniformly from the remaining known nodes, in draw order.
     */
    public static List<NodeId> choose(NodeId self, Collection<NodeId> known, int closest, int random,
                                      RandomGenerator generator) {
        if (closest < 0 || random < 0 || closest + random > PubSubLimits.MAX_NEIGHBOURS / 2) {
            throw new IllegalArgumentException("need 0 <= closest, random and closest + random <= "
                    + PubSubLimits.MAX_NEIGHBOURS / 2 + ", got " + closest + " + " + random);
        }
        TreeSet<NodeId> others = new TreeSet<>(known);
        others.remove(self);
        List<NodeId> chosen = new ArrayList<>(Placement.closest(Address.ofBytes(self.toBytes()), others, closest));
        chosen.forEach(others::remove);
        List<NodeId> rest = new ArrayList<>(others);
        int picks = Math.min(random, rest.size());
        for (int i = 0; i < picks; i++) {
            int j = i + generator.nextInt(rest.size() - i); // partial Fisher–Yates
            NodeId pick = rest.get(j);
            rest.set(j, rest.get(i));
            rest.set(i, pick);
            chosen.add(pick);
        }
        return chosen;
    }

    /** Undirected closure of directed choices: a → b chosen puts b in a's set and a in b's. */
    public static Map<NodeId, Set<NodeId>> undirected(Map<NodeId, ? extends Collection<NodeId>> choices) {
        Map<NodeId, Set<NodeId>> out = new TreeMap<>();
        choices.forEach((node, chosen) -> {
            out.computeIfAbsent(node, n -> new TreeSet<>());
            for (NodeId other : chosen) {
                if (!other.equals(node)) {
                    out.get(node).add(other);
                    out.computeIfAbsent(other, n -> new TreeSet<>()).add(node);
                }
            }
        });
        return out;
    }

    /**
     * {@code self}'s undirected neighbours when every member chooses with a generator seeded by
     * {@link #generatorFor}: its own choice first, then the members that chose it, by ID.
     * Change {@code salt} (e.g. daily) to redraw everyone's random links at once.
     */
    public static List<NodeId> ofMembership(NodeId self, Collection<NodeId> members, int closest, int random,
                                            long salt) {
        Set<NodeId> all = new HashSet<>(members);
        all.add(self);
        LinkedHashSet<NodeId> out = new LinkedHashSet<>(choose(self, all, closest, random, generatorFor(self, salt)));
        for (NodeId other : new TreeSet<>(all)) {
            if (!other.equals(self) && !out.contains(other)
                    && choose(other, all, closest, random, generatorFor(other, salt)).contains(self)) {
                out.add(other);
            }
        }
        return List.copyOf(out);
    }

    /** The generator a member draws its random links with: seeded by its ID's first 8 bytes and the salt. */
    public static RandomGenerator generatorFor(NodeId node, long salt) {
        // SplittableRandom mixes its seed, so a plain XOR of salt and ID prefix is enough.
        return new SplittableRandom(salt ^ ByteBuffer.wrap(node.toBytes()).getLong());
    }
}
