package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static NodeId id(String hexPrefix) {
        return NodeId.parse((hexPrefix + "0".repeat(64)).substring(0, 64));
    }

    private static Address addr(String hexPrefix) {
        return Address.parse((hexPrefix + "0".repeat(64)).substring(0, 64));
    }

    @Test
    void closestByXorNotByNumericDistance() {
        // target 0x80..: numerically 0x7f.. is nearest, but by XOR it is the farthest (0xff..).
        Address target = addr("80");
        List<NodeId> nodes = List.of(id("7f"), id("c0"), id("81"), id("00"));
        assertThat(Placement.closest(target, nodes, 2)).containsExactly(id("81"), id("c0"));
    }

    @Test
    void fewerNodesThanReplicasGivesAllOfThemInOrder() {
        Address target = addr("01");
        List<NodeId> nodes = List.of(id("ff"), id("00"));
        assertThat(Placement.closest(target, nodes, 3)).containsExactly(id("00"), id("ff"));
        assertThat(Placement.closest(target, List.of(), 3)).isEmpty();
        assertThat(Placement.closest(target, nodes, 0)).isEmpty();
    }

    @Test
    void agreesWithBigIntegerXorOnRandomInputs() {
        long seed = 20261121L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            List<NodeId> nodes = new ArrayList<>();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                nodes.add(NodeId.random(random));
            }
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            Address target = Address.ofBytes(raw);
            BigInteger t = new BigInteger(1, raw);
            List<NodeId> expected = nodes.stream()
                    .sorted(Comparator.comparing((NodeId n) -> new BigInteger(1, n.toBytes()).xor(t)))
                    .limit(3).toList();
            assertThat(Placement.closest(target, nodes, 3))
                    .as("seed %d round %d", seed, round).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void distanceIsXor() {
        assertThat(Hex.encode(Placement.distance(addr("f0"), id("0f")))).startsWith("ff00");
    }
}
