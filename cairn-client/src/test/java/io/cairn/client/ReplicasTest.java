package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pure placement and quorum decisions. */
class ReplicasTest {
    static NodeInfo node(NodeId id, int i, NodeStatus status, double load, String... roles) {
        return new NodeInfo(id, URI.create("http://127.0.0.1:" + (7000 + i)),
                roles.length == 0 ? Set.of("storage") : Set.of(roles), status, 1, 1, load, 0);
    }

    static List<NodeInfo> randomNodes(Random random, int n) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(node(NodeId.random(random), i, NodeStatus.ALIVE, 0));
        }
        return nodes;
    }

    static BigInteger distance(Address a, NodeId n) {
        return new BigInteger(1, a.toBytes()).xor(new BigInteger(1, n.toBytes()));
    }

    @Test
    void primariesAreTheThreeXorClosestAliveStorageNodes() {
        long seed = 20260101;
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<NodeInfo> nodes = randomNodes(random, 3 + random.nextInt(20));
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            Address address = Address.ofBytes(raw);
            Replicas.WritePlan plan = Replicas.writePlan(address, nodes, ReplicationPolicy.DEFAULT);
            List<NodeInfo> expected = nodes.stream()
                    .sorted(Comparator.comparing(n -> distance(address, n.id()))).toList();
            assertThat(plan.primaries()).as("seed %d round %d", seed, round).isEqualTo(expected.subList(0, 3));
            assertThat(plan.fallbacks()).as("seed %d round %d", seed, round)
                    .isEqualTo(expected.subList(3, Math.min(6, expected.size())));
            assertThat(plan.quorum()).isEqualTo(2);
        }
    }

    @Test
    void deadSuspectAndNonStorageNodesAreNotPlacedOn() {
        long seed = 5;
        Random random = new Random(seed);
        List<NodeInfo> nodes = new ArrayList<>(randomNodes(random, 3));
        nodes.add(node(NodeId.random(random), 10, NodeStatus.DEAD, 0));
        nodes.add(node(NodeId.random(random), 11, NodeStatus.SUSPECT, 0));
        nodes.add(node(NodeId.random(random), 12, NodeStatus.ALIVE, 0, "distribute"));
        Address address = Address.of(new byte[] {1, 2, 3});
        Replicas.WritePlan plan = Replicas.writePlan(address, nodes, ReplicationPolicy.DEFAULT);
        assertThat(plan.primaries()).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(nodes.subList(0, 3));
        assertThat(plan.fallbacks()).isEmpty();
    }

    @Test
    void twoAliveNodesGetTwoReplicasAndStillNeedTwo() {
        List<NodeInfo> nodes = randomNodes(new Random(9), 2);
        Replicas.WritePlan plan = Replicas.writePlan(Address.of(new byte[] {9}), nodes, ReplicationPolicy.DEFAULT);
        assertThat(plan.primaries()).hasSize(2);
        assertThat(plan.quorum()).isEqualTo(2);
    }

    @Test
    void exactlyOneAliveStorageNodeRefusesTheWriteWith503() {
        Random random = new Random(11);
        List<NodeInfo> nodes = new ArrayList<>(randomNodes(random, 1));
        nodes.add(node(NodeId.random(random), 5, NodeStatus.DEAD, 0));
        nodes.add(node(NodeId.random(random), 6, NodeStatus.SUSPECT, 0));
        assertThatThrownBy(() -> Replicas.writePlan(Address.of(new byte[] {1}), nodes, ReplicationPolicy.DEFAULT))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.code().httpStatus()).isEqualTo(503);
                });
        assertThatThrownBy(() -> Replicas.writePlan(Address.of(new byte[] {1}), List.of(), ReplicationPolicy.DEFAULT))
                .isInstanceOf(CairnException.class);
    }

    @Test
    void aQuorumOfOneAcceptsASingleNode() {
        List<NodeInfo> nodes = randomNodes(new Random(12), 1);
        Replicas.WritePlan plan = Replicas.writePlan(Address.of(new byte[] {1}), nodes, new ReplicationPolicy(3, 1));
        assertThat(plan.primaries()).hasSize(1);
        assertThat(plan.quorum()).isEqualTo(1);
    }

    @Test
    void policyRules() {
        ReplicationPolicy p = ReplicationPolicy.DEFAULT;
        assertThat(p.replicasFor(0)).isZero();
        assertThat(p.replicasFor(1)).isEqualTo(1);
        assertThat(p.replicasFor(2)).isEqualTo(2);
        assertThat(p.replicasFor(3)).isEqualTo(3);
        assertThat(p.replicasFor(50)).isEqualTo(3);
        assertThat(p.canWrite(1)).isFalse();
        assertThat(p.canWrite(2)).isTrue();
        assertThatThrownBy(() -> new ReplicationPolicy(3, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicationPolicy(3, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readOrderTriesReplicasLeastLoadedFirstThenTheRestByDistance() {
        long seed = 77;
        Random random = new Random(seed);
        List<NodeInfo> plain = randomNodes(random, 6);
        Address address = Address.of("x".getBytes());
        List<NodeInfo> byDistance = plain.stream().sorted(Comparator.comparing(n -> distance(address, n.id()))).toList();

        // Equal loads (a tie): pure distance order.
        assertThat(Replicas.readOrder(address, plain, ReplicationPolicy.DEFAULT)).as("seed %d", seed).isEqualTo(byDistance);

        // The closest replica is busy: it moves behind the other two replicas, not behind the rest.
        List<NodeInfo> loaded = new ArrayList<>();
        for (NodeInfo n : plain) {
            double load = n.equals(byDistance.get(0)) ? 50 : 0;
            loaded.add(new NodeInfo(n.id(), n.url(), n.roles(), n.status(), 1, 1, load, 0));
        }
        List<NodeInfo> order = Replicas.readOrder(address, loaded, ReplicationPolicy.DEFAULT);
        assertThat(order).extracting(NodeInfo::id).containsExactly(
                byDistance.get(1).id(), byDistance.get(2).id(), byDistance.get(0).id(),
                byDistance.get(3).id(), byDistance.get(4).id(), byDistance.get(5).id());
    }

    @Test
    void readOrderAsksSuspectNodesLastAndDeadNodesNever() {
        Random random = new Random(3);
        List<NodeInfo> nodes = new ArrayList<>(randomNodes(random, 2));
        NodeInfo suspect = node(NodeId.random(random), 20, NodeStatus.SUSPECT, 0);
        NodeInfo dead = node(NodeId.random(random), 21, NodeStatus.DEAD, 0);
        nodes.add(suspect);
        nodes.add(dead);
        List<NodeInfo> order = Replicas.readOrder(Address.of(new byte[] {4}), nodes, ReplicationPolicy.DEFAULT);
        assertThat(order).hasSize(3).last().isEqualTo(suspect);
        assertThat(order).doesNotContain(dead);
    }

    @Test
    void aLimitedReadOrderIsThePrefixOfTheFullOne() {
        long seed = 99;
        Random random = new Random(seed);
        List<NodeInfo> nodes = randomNodes(random, 40);
        for (int round = 0; round < 50; round++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            Address address = Address.ofBytes(raw);
            List<NodeInfo> full = Replicas.readOrder(address, nodes, ReplicationPolicy.DEFAULT);
            assertThat(full).hasSize(40);
            assertThat(Replicas.readOrder(address, nodes, ReplicationPolicy.DEFAULT, 9))
                    .as("seed %d round %d", seed, round).isEqualTo(full.subList(0, 9));
        }
    }
}
