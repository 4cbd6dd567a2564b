package io.cairn.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.NodeId;
import io.cairn.core.Placement;
import io.cairn.core.repair.RepairPlanner.CopyOrder;
import io.cairn.core.repair.RepairPlanner.Plan;
import io.cairn.core.repair.RepairPlanner.TrimOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RepairPlannerTest {
    private static Address randomAddress(SplittableRandom random) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Address.ofBytes(raw);
    }

    private static List<NodeId> nodes(SplittableRandom random, int count) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(NodeId.random(random));
        }
        return out;
    }

    @Test
    void copiesToTheMissingClosestNodesFromHealthyHolders() {
        SplittableRandom random = new SplittableRandom(1);
        List<NodeId> all = nodes(random, 5);
        Address a = randomAddress(random);
        List<NodeId> top = Placement.closest(a, all, 3);
        NodeId far = Placement.closest(a, all, 5).get(4);
        Plan plan = RepairPlanner.planBlock(a, Set.of(top.get(0), far), all, 3, true);
        assertThat(plan.copies()).extracting(CopyOrder::target).containsExactlyInAnyOrder(top.get(1), top.get(2));
        assertThat(plan.copies()).allSatisfy(c -> {
            assertThat(c.sources()).containsExactly(top.get(0), far);
            assertThat(c.healthyCopies()).isEqualTo(2);
        });
        assertThat(plan.trims()).as("no trim before every target holds it").isEmpty();
    }

    @Test
    void trimsOnlyAfterGraceAndOnlyWhenNGoodCopiesExist() {
        SplittableRandom random = new SplittableRandom(2);
        List<NodeId> all = nodes(random, 5);
        Address a = randomAddress(random);
        List<NodeId> order = Placement.closest(a, all, 5);
        Set<NodeId> holders = Set.of(order.get(0), order.get(1), order.get(2), order.get(4));
        assertThat(RepairPlanner.planBlock(a, holders, all, 3, false).isEmpty()).isTrue();
        assertThat(RepairPlanner.planBlock(a, holders, all, 3, true).trims())
                .containsExactly(new TrimOrder(a, order.get(4)));
        // a dead holder is never trimmed, and a dead target is replaced by the next closest
        List<NodeId> healthy = List.of(order.get(0), order.get(1), order.get(3), order.get(4));
        Plan plan = RepairPlanner.planBlock(a, holders, healthy, 3, true);
        assertThat(plan.copies()).extracting(CopyOrder::target).containsExactly(order.get(3));
        assertThat(plan.trims()).isEmpty();
    }

    @Test
    void replicationFactorLargerThanTheClusterUsesEveryHealthyNode() {
        SplittableRandom random = new SplittableRandom(3);
        List<NodeId> all = nodes(random, 2);
        Address a = randomAddress(random);
        Plan plan = RepairPlanner.planBlock(a, Set.of(all.get(0)), all, 3, true);
        assertThat(plan.copies()).extracting(CopyOrder::target).containsExactly(all.get(1));
    }

    @Test
    void blocksWithNoHealthyHolderAreReportedNotPlanned() {
        SplittableRandom random = new SplittableRandom(4);
        List<NodeId> all = nodes(random, 4);
        Address a = randomAddress(random);
        Plan plan = RepairPlanner.planBlock(a, Set.of(all.get(0)), all.subList(1, 4), 3, true);
        assertThat(plan.copies()).isEmpty();
        assertThat(plan.unavailable()).containsExactly(a);
    }

    @Test
    void leastReplicatedBlocksComeFirstWithDeterministicTies() {
        SplittableRandom random = new SplittableRandom(5);
        List<NodeId> all = nodes(random, 6);
        Map<Address, Set<NodeId>> holdings = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            Address a = randomAddress(random);
            List<NodeId> top = Placement.closest(a, all, 3);
            holdings.put(a, new HashSet<>(top.subList(0, 1 + random.nextInt(3))));
        }
        Plan plan = RepairPlanner.plan(holdings, all, 3, x -> true);
        assertThat(plan.copies()).isSortedAccordingTo((x, y) -> x.healthyCopies() != y.healthyCopies()
                ? Integer.compare(x.healthyCopies(), y.healthyCopies())
                : x.address().compareTo(y.address()) != 0 ? x.address().compareTo(y.address()) : x.target().compareTo(y.target()));
        assertThat(RepairPlanner.plan(holdings, new ArrayList<>(all).reversed(), 3, x -> true)).isEqualTo(plan);
    }

    /**
     * Simulation: random clusters and holdings; nodes die and return between rounds; each round
     * executes only a random part of the plan (as a repair interrupted mid-way would). Invariants:
     * a plan never copies to an unhealthy node or from a non-holder, never trims below N copies in
     * the top N, and once membership stops changing, executing plans converges to "every block on
     * exactly its N closest healthy nodes" within a bounded number of rounds.
     */
    @Test
    void seededSimulationConverges() {
        for (long seed = 100; seed < 160; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 1 + random.nextInt(4);
            List<NodeId> all = nodes(random, 1 + random.nextInt(9));
            Map<Address, Set<NodeId>> holdings = new HashMap<>();
            for (int b = 0; b < 40; b++) {
                Set<NodeId> holders = new HashSet<>();
                int copies = 1 + random.nextInt(all.size());
                for (int c = 0; c < copies; c++) {
                    holders.add(all.get(random.nextInt(all.size())));
                }
                holdings.put(randomAddress(random), holders);
            }
            Set<NodeId> healthy = new HashSet<>(all);
            for (int round = 0; round < 30; round++) {
                boolean churn = round < 10;
                if (churn && all.size() > 1) {
                    NodeId flip = all.get(random.nextInt(all.size()));
                    if (!healthy.remove(flip)) {
                        healthy.add(flip);
                    }
                }
                if (!churn) {
                    healthy.addAll(all);
                }
                Plan plan = RepairPlanner.plan(holdings, healthy, n, x -> true);
                for (CopyOrder copy : plan.copies()) {
                    assertThat(healthy).as("seed %d", seed).contains(copy.target());
                    assertThat(holdings.get(copy.address())).as("seed %d", seed).containsAll(copy.sources());
                    if (!churn || random.nextBoolean()) {
                        holdings.get(copy.address()).add(copy.target());
                    }
                }
                for (TrimOrder trim : plan.trims()) {
                    Set<NodeId> holders = holdings.get(trim.address());
                    assertThat(holders).as("seed %d", seed)
                            .containsAll(Placement.closest(trim.address(), healthy, n));
                    if (!churn || random.nextBoolean()) {
                        holders.remove(trim.holder());
                    }
                }
            }
            Plan last = RepairPlanner.plan(holdings, healthy, n, x -> true);
            assertThat(last.isEmpty()).as("converged, seed %d", seed).isTrue();
            for (Map.Entry<Address, Set<NodeId>> e : holdings.entrySet()) {
                assertThat(e.getValue()).as("seed %d", seed)
                        .containsExactlyInAnyOrderElementsOf(Placement.closest(e.getKey(), all, n));
            }
        }
    }

    @Test
    void suspectTargetsKeepTheirPlaceButGetNoCopiesAndBlockTrims() {
        for (long seed = 100; seed < 400; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<NodeId> all = nodes(random, 3 + random.nextInt(6));
            Address a = randomAddress(random);
            int n = 1 + random.nextInt(4);
            Set<NodeId> suspect = new HashSet<>();
            Set<NodeId> healthy = new HashSet<>();
            for (NodeId node : all) {
                (random.nextInt(4) == 0 ? suspect : healthy).add(node);
            }
            Set<NodeId> holders = new HashSet<>();
            for (NodeId node : all) {
                if (random.nextBoolean()) {
                    holders.add(node);
                }
            }
            Plan plan = RepairPlanner.planBlock(a, holders, healthy, suspect, n, true);
            List<NodeId> placeable = new ArrayList<>(all);
            List<NodeId> targets = Placement.closest(a, placeable, n);
            boolean anySource = holders.stream().anyMatch(healthy::contains);
            if (!anySource) {
                assertThat(plan.unavailable()).as("seed %d", seed).containsExactly(a);
                assertThat(plan.copies()).isEmpty();
                continue;
            }
            for (CopyOrder c : plan.copies()) {
                assertThat(suspect).as("no copy to a suspect node, seed %d", seed).doesNotContain(c.target());
                assertThat(targets).as("copies go to the targets counted with suspects, seed %d", seed).contains(c.target());
                assertThat(healthy).as("sources healthy, seed %d", seed).containsAll(c.sources());
            }
            assertThat(plan.copies()).extracting(CopyOrder::target).as("seed %d", seed)
                    .containsExactlyInAnyOrderElementsOf(targets.stream()
                            .filter(t -> healthy.contains(t) && !holders.contains(t)).toList());
            if (targets.stream().anyMatch(suspect::contains)) {
                assertThat(plan.trims()).as("no trim while a target is suspect, seed %d", seed).isEmpty();
            }
            for (TrimOrder t : plan.trims()) {
                assertThat(targets).as("seed %d", seed).doesNotContain(t.holder());
                assertThat(holders).as("seed %d", seed).containsAll(targets);
            }
        }
    }

    @Test
    void withoutSuspectsTheSuspectAwarePlanEqualsThePlainOne() {
        for (long seed = 500; seed < 700; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<NodeId> all = nodes(random, 1 + random.nextInt(8));
            Address a = randomAddress(random);
            int n = 1 + random.nextInt(5);
            Set<NodeId> holders = new HashSet<>();
            all.forEach(x -> { if (random.nextBoolean()) holders.add(x); });
            Set<NodeId> healthy = new HashSet<>();
            all.forEach(x -> { if (random.nextInt(3) > 0) healthy.add(x); });
            boolean grace = random.nextBoolean();
            assertThat(RepairPlanner.planBlock(a, holders, healthy, Set.of(), n, grace))
                    .as("seed %d", seed).isEqualTo(RepairPlanner.planBlock(a, holders, healthy, n, grace));
        }
    }
}
