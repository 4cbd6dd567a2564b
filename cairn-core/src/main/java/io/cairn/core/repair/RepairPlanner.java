package io.cairn.core.repair;

import io.cairn.core.Address;
import io.cairn.core.NodeId;
import io.cairn.core.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides, from who holds what, which copies to make and which to trim so that every block ends
 * up on the N healthy nodes closest to its address (SPEC §2, §3.2). Pure: no clock, no I/O; the
 * distribute service executes the plan and calls again with what it then believes.
 *
 * <p>Rules, per block:
 * <ul>
 *   <li><b>targets</b> = the min(N, |healthy|) healthy nodes closest to the address by XOR.</li>
 *   <li><b>sources</b> = healthy holders. A block with no healthy holder cannot be repaired now;
 *       it is counted as {@code unavailable}, not planned (its holders may come back).</li>
 *   <li>every target that does not hold the block gets a {@link CopyOrder}, sources listed
 *       closest-to-the-address first.</li>
 *   <li>a healthy holder outside the targets gets a {@link TrimOrder} only when every target
 *       already holds the block (N good copies exist) and the caller says the block's trim grace
 *       period has passed. Holders that are not healthy are never trimmed: they cannot be asked,
 *       and their copy is the last resort if the others fail.</li>
 * </ul>
 * Copies come out least-replicated first (fewest healthy copies), ties by address, so a repair
 * queue fed in this order saves the blocks closest to loss first.
 *
 * <p><b>Suspect nodes</b> ({@link #planBlock(Address, Collection, Collection, Collection, int, boolean)}):
 * a node that missed a health check or two keeps its place among the targets (a brief hiccup
 * must not move data around), but nothing is copied to it, it is not a source, and no block whose
 * targets include a suspect node is trimmed. Only when the caller declares it dead (drops it from
 * both sets) do its blocks move to the next closest nodes.
 */
public final class RepairPlanner {
    private RepairPlanner() {}

    /** Copy {@code address} to {@code target} from one of {@code sources}; it has {@code healthyCopies} now. */
    public record CopyOrder(Address address, NodeId target, List<NodeId> sources, int healthyCopies) {}

    /** {@code holder} may delete its copy of {@code address}: N good copies exist elsewhere. */
    public record TrimOrder(Address address, NodeId holder) {}

    /**
     * The plan for a set of blocks.
     *
     * @param unavailable blocks with no healthy holder (nothing to copy from)
     */
    public record Plan(List<CopyOrder> copies, List<TrimOrder> trims, List<Address> unavailable) {
        public boolean isEmpty() {
            return copies.isEmpty() && trims.isEmpty();
        }
    }

    /** The plan for one block. */
    public static Plan planBlock(Address address, Collection<NodeId> holders, Collection<NodeId> healthy,
                                 int n, boolean trimGraceElapsed) {
        List<CopyOrder> copies = new ArrayList<>();
        List<TrimOrder> trims = new ArrayList<>();
        List<Address> unavailable = new ArrayList<>();
        addBlock(address, holders, healthy, n, trimGraceElapsed, copies, trims, unavailable);
        return new Plan(copies, trims, unavailable);
    }

    /**
     * The plan for every block in {@code holdings}.
     *
     * @param trimGraceElapsed whether a block's over-replicated copies may be trimmed now
     */
    public static Plan plan(Map<Address, ? extends Collection<NodeId>> holdings, Collection<NodeId> healthy,
                            int n, Predicate<Address> trimGraceElapsed) {
        List<CopyOrder> copies = new ArrayList<>();
        List<TrimOrder> trims = new ArrayList<>();
        List<Address> unavailable = new ArrayList<>();
        Set<NodeId> healthySet = healthy instanceof Set<NodeId> s ? s : new HashSet<>(healthy);
        for (Map.Entry<Address, ? extends Collection<NodeId>> e : holdings.entrySet()) {
            addBlock(e.getKey(), e.getValue(), healthySet, n, trimGraceElapsed.test(e.getKey()),
                    copies, trims, unavailable);
        }
        copies.sort(Comparator.comparingInt(CopyOrder::healthyCopies).thenComparing(CopyOrder::address)
                .thenComparing(CopyOrder::target));
        trims.sort(Comparator.comparing(TrimOrder::address).thenComparing(TrimOrder::holder));
        unavailable.sort(Comparator.naturalOrder());
        return new Plan(copies, trims, unavailable);
    }

    /**
     * The plan for one block when some nodes are suspect: they count as placement targets but get
     * no copies, serve as no source, and block trimming (see the class comment). {@code healthy}
     * and {@code suspect} must not overlap.
     */
    public static Plan planBlock(Address address, Collection<NodeId> holders, Collection<NodeId> healthy,
                                 Collection<NodeId> suspect, int n, boolean trimGraceElapsed) {
        List<CopyOrder> copies = new ArrayList<>();
        List<TrimOrder> trims = new ArrayList<>();
        List<Address> unavailable = new ArrayList<>();
        addBlock(address, holders, healthy, suspect, n, trimGraceElapsed, copies, trims, unavailable);
        return new Plan(copies, trims, unavailable);
    }

    private static void addBlock(Address address, Collection<NodeId> holders, Collection<NodeId> healthy, int n,
                                 boolean trimGraceElapsed, List<CopyOrder> copies, List<TrimOrder> trims,
                                 List<Address> unavailable) {
        addBlock(address, holders, healthy, List.of(), n, trimGraceElapsed, copies, trims, unavailable);
    }

    private static void addBlock(Address address, Collection<NodeId> holders, Collection<NodeId> healthy,
                                 Collection<NodeId> suspect, int n, boolean trimGraceElapsed, List<CopyOrder> copies,
                                 List<TrimOrder> trims, List<Address> unavailable) {
        if (n <= 0) {
            throw new IllegalArgumentException("replication factor must be positive, got " + n);
        }
        List<NodeId> sources = new ArrayList<>();
        for (NodeId holder : holders) {
            if (healthy.contains(holder)) {
                sources.add(holder);
            }
        }
        if (sources.isEmpty()) {
            unavailable.add(address);
            return;
        }
        sources.sort(Placement.byDistanceTo(address));
        List<NodeId> targets;
        if (suspect.isEmpty()) {
            targets = Placement.closest(address, healthy, n);
        } else {
            List<NodeId> placeable = new ArrayList<>(healthy.size() + suspect.size());
            placeable.addAll(healthy);
            placeable.addAll(suspect);
            targets = Placement.closest(address, placeable, n);
        }
        boolean allTargetsHold = true;
        for (NodeId target : targets) {
            if (suspect.contains(target)) {
                allTargetsHold = false; // its copy cannot be confirmed now: never trim, never copy there
            } else if (!holders.contains(target)) {
                allTargetsHold = false;
                copies.add(new CopyOrder(address, target, List.copyOf(sources), sources.size()));
            }
        }
        if (allTargetsHold && trimGraceElapsed) {
            for (NodeId source : sources) {
                if (!targets.contains(source)) {
                    trims.add(new TrimOrder(address, source));
                }
            }
        }
    }
}
