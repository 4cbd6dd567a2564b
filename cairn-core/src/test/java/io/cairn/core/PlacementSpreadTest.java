package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How evenly plain XOR placement spreads blocks over nodes with random IDs. A node's share is the
 * part of the address space nearer to it than to others, which XOR carves into power-of-two
 * regions, so shares are uneven. The figures printed here are recorded in docs/DISTRIBUTE.md.
 */
class PlacementSpreadTest {
    @ParameterizedTest(name = "{0} nodes")
    @CsvSource({"10, 200000", "100, 200000", "1000, 200000"})
    void spreadOfReplicasPerNode(int nodeCount, int blocks) {
        long seed = 7L * nodeCount;
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeId> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(NodeId.random(random));
        }
        Map<NodeId, Integer> count = new HashMap<>();
        byte[] raw = new byte[32];
        for (int b = 0; b < blocks; b++) {
            random.nextBytes(raw);
            for (NodeId n : Placement.closest(Address.ofBytes(raw), nodes, 3)) {
                count.merge(n, 1, Integer::sum);
            }
        }
        double mean = 3.0 * blocks / nodeCount;
        int min = nodes.stream().mapToInt(n -> count.getOrDefault(n, 0)).min().orElseThrow();
        int max = nodes.stream().mapToInt(n -> count.getOrDefault(n, 0)).max().orElseThrow();
        double variance = nodes.stream().mapToDouble(n -> Math.pow(count.getOrDefault(n, 0) - mean, 2)).sum() / nodeCount;
        double cv = Math.sqrt(variance) / mean;
        System.out.printf("placement spread: nodes=%d blocks=%d replicas=3 mean=%.0f min/mean=%.2f max/mean=%.2f cv=%.3f seed=%d%n",
                nodeCount, blocks, mean, min / mean, max / mean, cv, seed);
        assertThat(count.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3 * blocks);
        assertThat(max / mean).as("seed %d", seed).isLessThan(6.0);
    }
}
