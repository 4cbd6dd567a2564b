package io.cairn.core.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ring's contract, and its balance and movement figures (printed; quoted in the HashRing
 * Javadoc). Every random input comes from a seed that assertion messages repeat.
 */
class HashRingTest {
    private static final BigInteger RING = BigInteger.ONE.shiftLeft(128);

    static List<NodeId> nodes(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(NodeId.random(random));
        }
        return out;
    }

    static NameKey randomKey(SplittableRandom random) {
        return new NameKey(random.nextLong(), random.nextLong());
    }

    @Test
    void pointsFollowTheDocumentedLayout() {
        // First 16 bytes of SHA-256(id ‖ index as 4 bytes big-endian), computed independently with
        // Python: hashlib.sha256(bytes(32) + bytes([0,0,0,0])).hexdigest()[:32], and so on.
        NodeId zero = NodeId.ofBytes(new byte[32]);
        NodeId ones = NodeId.parse("ff".repeat(32));
        assertThat(HashRing.point(zero, 0).hex()).isEqualTo("6db65fd59fd356f6729140571b5bcd6b");
        assertThat(HashRing.point(zero, 1).hex()).isEqualTo("2158a8906d5e2c2be001bac943ab9cab");
        assertThat(HashRing.point(ones, 63).hex()).isEqualTo("987d3277e5fb5425f22d716fcf382df4");

        HashRing ring = HashRing.of(List.of(zero), 2);
        assertThat(ring.pointAt(0).hex()).isEqualTo("2158a8906d5e2c2be001bac943ab9cab");
        assertThat(ring.pointAt(1).hex()).isEqualTo("6db65fd59fd356f6729140571b5bcd6b");
    }

    @Test
    void aKeyBelongsToTheFirstPointAtOrAfterItWrappingAround() {
        NodeId a = NodeId.ofBytes(new byte[32]);
        NodeId b = NodeId.parse("ff".repeat(32));
        HashRing ring = HashRing.of(List.of(a, b), 1);
        NameKey pa = HashRing.point(a, 0); // 6db6...
        NameKey pb = HashRing.point(b, 0);
        NameKey first = pa.compareTo(pb) < 0 ? pa : pb;
        NameKey second = first == pa ? pb : pa;
        NodeId firstNode = first == pa ? a : b;
        NodeId secondNode = first == pa ? b : a;
        assertThat(ring.owner(first)).isEqualTo(firstNode);
        assertThat(ring.owner(new NameKey(first.hi(), first.lo() + 1))).isEqualTo(secondNode);
        assertThat(ring.owner(second)).isEqualTo(secondNode);
        assertThat(ring.owner(new NameKey(-1L, -1L))).isEqualTo(firstNode); // past the last point: wraps
        assertThat(ring.owner(new NameKey(0, 0))).isEqualTo(firstNode);
        assertThat(ring.successors(second, 2)).containsExactly(secondNode, firstNode);
    }

    @Test
    void isAPureFunctionOfTheNodeSet() {
        long seed = 11;
        List<NodeId> nodes = nodes(20, seed);
        HashRing ring = HashRing.of(nodes);
        List<NodeId> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, new Random(seed));
        shuffled.add(nodes.get(3)); // duplicates are ignored
        HashRing again = HashRing.of(shuffled);
        assertThat(again.size()).isEqualTo(20);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            NameKey key = randomKey(random);
            assertThat(again.successors(key, 3)).as("seed %d", seed).isEqualTo(ring.successors(key, 3));
            assertThat(ring.owner(key)).isEqualTo(ring.successors(key, 3).getFirst());
        }
        assertThat(HashRing.of(nodes).with(nodes.get(0))).isNotNull();
        assertThat(ring.without(nodes.get(5)).with(nodes.get(5)).successors(NameKey.of(Name.of("x")), 3))
                .isEqualTo(ring.successors(Name.of("x"), 3));
    }

    @Test
    void successorsAreDistinctAndCappedByClusterSize() {
        long seed = 12;
        SplittableRandom random = new SplittableRandom(seed);
        for (int n : new int[] {1, 2, 3, 5}) {
            HashRing ring = HashRing.of(nodes(n, seed + n));
            for (int i = 0; i < 2000; i++) {
                NameKey key = randomKey(random);
                for (int r = 0; r <= 7; r++) {
                    List<NodeId> s = ring.successors(key, r);
                    assertThat(s).as("seed %d n %d r %d", seed, n, r).hasSize(Math.min(r, n)).doesNotHaveDuplicates();
                }
            }
        }
        HashRing empty = HashRing.of(List.of());
        assertThat(empty.successors(NameKey.of(Name.of("a")), 3)).isEmpty();
        assertThatThrownBy(() -> empty.owner(new NameKey(0, 0))).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThatThrownBy(() -> HashRing.of(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Exact owner shares of the key space, from the arcs between points, and sampled replica loads. */
    @ParameterizedTest(name = "{0} nodes")
    @CsvSource({"3, 1.30", "10, 1.40", "100, 1.50"})
    void balance(int nodeCount, double maxOverMeanBound) {
        long seed = 1000L + nodeCount;
        HashRing ring = HashRing.of(nodes(nodeCount, seed));
        Map<NodeId, BigInteger> arcs = new HashMap<>();
        int points = ring.pointCount();
        for (int k = 0; k < points; k++) {
            BigInteger here = new BigInteger(1, ring.pointAt(k).toBytes());
            BigInteger before = new BigInteger(1, ring.pointAt((k + points - 1) % points).toBytes());
            arcs.merge(ring.nodeAt(k), here.subtract(before).mod(RING), BigInteger::add);
        }
        double[] share = ring.nodes().stream()
                .mapToDouble(n -> arcs.get(n).doubleValue() / RING.doubleValue() * nodeCount).toArray();
        Spread owners = Spread.of(share);

        SplittableRandom random = new SplittableRandom(seed);
        Map<NodeId, Integer> replicas = new HashMap<>();
        int keys = 200_000;
        for (int i = 0; i < keys; i++) {
            for (NodeId n : ring.successors(randomKey(random), 3)) {
                replicas.merge(n, 1, Integer::sum);
            }
        }
        double mean = 3.0 * keys / nodeCount;
        Spread replicaSpread = Spread.of(ring.nodes().stream().mapToDouble(n -> replicas.getOrDefault(n, 0) / mean).toArray());
        System.out.printf("ring balance: nodes=%d vnodes=%d owner share/mean min=%.3f max=%.3f cv=%.3f;"
                        + " R=3 replicas of %d keys/mean min=%.3f max=%.3f cv=%.3f seed=%d%n",
                nodeCount, ring.virtualNodes(), owners.min, owners.max, owners.cv, keys,
                replicaSpread.min, replicaSpread.max, replicaSpread.cv, seed);
        assertThat(owners.max).as("seed %d", seed).isLessThan(maxOverMeanBound);
        assertThat(owners.min).as("seed %d", seed).isGreaterThan(2 - maxOverMeanBound);
        assertThat(replicaSpread.max).as("seed %d", seed).isLessThan(maxOverMeanBound);
    }

    record Spread(double min, double max, double cv) {
        static Spread of(double[] ratios) {
            double min = Double.MAX_VALUE;
            double max = 0;
            double sq = 0;
            for (double r : ratios) {
                min = Math.min(min, r);
                max = Math.max(max, r);
                sq += (r - 1) * (r - 1);
            }
            return new Spread(min, max, Math.sqrt(sq / ratios.length));
        }
    }

    /**
     * When one node joins, the keys that change owner all go to it, and they are about its share,
     * 1/(n+1); when one leaves, only its keys move. Replica sets change in at most one member.
     */
    @ParameterizedTest(name = "{0} nodes")
    @CsvSource({"3", "10", "100"})
    void joinAndLeaveMoveOnlyAboutOneNthOfTheKeys(int nodeCount) {
        long seed = 2000L + nodeCount;
        List<NodeId> nodes = nodes(nodeCount + 1, seed);
        NodeId joiner = nodes.getLast();
        HashRing before = HashRing.of(nodes.subList(0, nodeCount));
        HashRing after = before.with(joiner);
        HashRing left = after.without(joiner);
        SplittableRandom random = new SplittableRandom(seed);
        int keys = 100_000;
        int ownerMoved = 0;
        int replicaSetChanged = 0;
        for (int i = 0; i < keys; i++) {
            NameKey key = randomKey(random);
            List<NodeId> old = before.successors(key, 3);
            List<NodeId> now = after.successors(key, 3);
            if (!old.getFirst().equals(now.getFirst())) {
                ownerMoved++;
                assertThat(now.getFirst()).as("seed %d key %s", seed, key).isEqualTo(joiner);
            }
            if (!old.equals(now)) {
                replicaSetChanged++;
                Set<NodeId> kept = new HashSet<>(old);
                kept.retainAll(now);
                assertThat(kept).as("seed %d key %s", seed, key).hasSizeGreaterThanOrEqualTo(Math.min(3, nodeCount) - 1);
                assertThat(now).as("seed %d key %s", seed, key).contains(joiner);
            }
            // Leaving is the same change read backwards: the ring returns to exactly what it was.
            assertThat(left.successors(key, 3)).as("seed %d key %s", seed, key).isEqualTo(old);
        }
        double ideal = 1.0 / (nodeCount + 1);
        double moved = (double) ownerMoved / keys;
        double changed = (double) replicaSetChanged / keys;
        System.out.printf("ring movement: %d -> %d nodes: owner moved for %.4f of keys (ideal 1/(n+1) = %.4f, ratio %.2f);"
                        + " R=3 replica set changed for %.4f (ideal %.4f) seed=%d%n",
                nodeCount, nodeCount + 1, moved, ideal, moved / ideal, changed, Math.min(1.0, 3 * ideal), seed);
        assertThat(moved).as("seed %d", seed).isBetween(0.5 * ideal, 1.6 * ideal);
        assertThat(changed).as("seed %d", seed).isLessThanOrEqualTo(Math.min(1.0, 1.6 * 3 * ideal));
    }

    @Test
    void aLeaverHandsEachOfItsKeysToItsNextSuccessor() {
        long seed = 3000;
        List<NodeId> nodes = nodes(10, seed);
        HashRing ring = HashRing.of(nodes);
        NodeId leaver = nodes.get(4);
        HashRing fewer = ring.without(leaver);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            NameKey key = randomKey(random);
            List<NodeId> old = ring.successors(key, 3);
            List<NodeId> expected = new ArrayList<>(ring.successors(key, 4));
            expected.remove(leaver);
            assertThat(fewer.successors(key, 3)).as("seed %d key %s", seed, key)
                    .isEqualTo(old.contains(leaver) ? expected.subList(0, 3) : old);
        }
    }
}
