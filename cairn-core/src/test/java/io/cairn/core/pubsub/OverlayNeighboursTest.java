package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.NodeId;
import io.cairn.core.Placement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OverlayNeighboursTest {
    private static List<NodeId> nodes(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(NodeId.random(random));
        }
        return out;
    }

    @Test
    void choosesTheXorClosestThenDistinctRandomOthers() {
        long seed = 21;
        List<NodeId> all = nodes(seed, 100);
        NodeId self = all.get(0);
        List<NodeId> chosen = OverlayNeighbours.choose(self, all, 3, 2, new SplittableRandom(seed));
        assertThat(chosen).as("seed %d", seed).hasSize(5).doesNotHaveDuplicates().doesNotContain(self);
        List<NodeId> others = all.subList(1, all.size());
        assertThat(chosen.subList(0, 3)).isEqualTo(Placement.closest(Address.ofBytes(self.toBytes()), others, 3));
    }

    @Test
    void dependsOnTheSeedNotOnTheCollectionOrder() {
        long seed = 22;
        List<NodeId> all = nodes(seed, 60);
        List<NodeId> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new java.util.Random(seed));
        NodeId self = all.get(7);
        assertThat(OverlayNeighbours.choose(self, shuffled, 3, 4, new SplittableRandom(seed)))
                .as("seed %d", seed)
                .isEqualTo(OverlayNeighbours.choose(self, all, 3, 4, new SplittableRandom(seed)));
    }

    @Test
    void smallMembershipsAndLimits() {
        List<NodeId> two = nodes(23, 2);
        assertThat(OverlayNeighbours.choose(two.get(0), two, 3, 2, new SplittableRandom(1))).containsExactly(two.get(1));
        assertThat(OverlayNeighbours.choose(two.get(0), List.of(two.get(0)), 3, 2, new SplittableRandom(1))).isEmpty();
        assertThatThrownBy(() -> OverlayNeighbours.choose(two.get(0), two, 20, 20, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OverlayNeighbours.choose(two.get(0), two, -1, 2, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void undirectedClosureIsSymmetric() {
        long seed = 24;
        List<NodeId> all = nodes(seed, 80);
        SplittableRandom random = new SplittableRandom(seed);
        Map<NodeId, List<NodeId>> choices = new HashMap<>();
        for (NodeId n : all) {
            choices.put(n, OverlayNeighbours.choose(n, all, 3, 2, random));
        }
        Map<NodeId, Set<NodeId>> links = OverlayNeighbours.undirected(choices);
        links.forEach((a, ns) -> {
            assertThat(ns).as("seed %d", seed).doesNotContain(a).containsAll(choices.get(a));
            ns.forEach(b -> assertThat(links.get(b)).as("seed %d: %s-%s", seed, a, b).contains(a));
        });
    }

    /** Every member computes the same undirected overlay from the membership alone. */
    @Test
    void membershipViewsAgree() {
        long seed = 25;
        List<NodeId> all = nodes(seed, 40);
        Map<NodeId, List<NodeId>> views = new HashMap<>();
        for (NodeId n : all) {
            views.put(n, OverlayNeighbours.ofMembership(n, all, 3, 2, seed));
        }
        views.forEach((a, ns) -> {
            assertThat(ns).as("seed %d", seed).hasSizeGreaterThanOrEqualTo(5).doesNotContain(a).doesNotHaveDuplicates();
            ns.forEach(b -> assertThat(views.get(b)).as("seed %d: %s-%s", seed, a, b).contains(a));
        });
        assertThat(views.get(all.get(0)).subList(0, 5))
                .isEqualTo(OverlayNeighbours.choose(all.get(0), all, 3, 2, OverlayNeighbours.generatorFor(all.get(0), seed)));
    }
}
