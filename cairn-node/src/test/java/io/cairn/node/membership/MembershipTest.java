package io.cairn.node.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import io.cairn.node.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pure gossip rules, driven by a manual clock and seeds. */
class MembershipTest {
    private static final long SEED = 20260601L;
    private static final Duration SUSPECT = Duration.ofSeconds(2);
    private static final Duration DEAD = Duration.ofSeconds(5);
    private static final Duration FORGET = Duration.ofMinutes(10);

    private final SplittableRandom ids = new SplittableRandom(SEED);
    private final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T00:00:00Z"));

    private Member member(NodeId id, int port, long generation, long heartbeat) {
        return new Member(id, URI.create("http://127.0.0.1:" + port), Set.of("storage"), generation, heartbeat,
                100, 200, 0, NodeStatus.ALIVE);
    }

    private Membership membership(Member self) {
        return new Membership(self, new Membership.Timings(SUSPECT, DEAD, FORGET), clock);
    }

    private static Map<NodeId, Member> byId(Membership m) {
        return m.view().stream().collect(Collectors.toMap(Member::id, Function.identity()));
    }

    @Test
    void higherHeartbeatWinsAndAStaleOneChangesNothing() {
        NodeId a = NodeId.random(ids);
        NodeId b = NodeId.random(ids);
        Membership view = membership(member(a, 1, 1, 0));
        assertThat(view.merge(List.of(member(b, 2, 1, 5))).added()).isEqualTo(1);
        assertThat(view.merge(List.of(member(b, 2, 1, 4))).updated()).isZero();
        assertThat(byId(view).get(b).heartbeat()).isEqualTo(5);
        assertThat(view.merge(List.of(member(b, 2, 1, 6))).updated()).isEqualTo(1);
        assertThat(byId(view).get(b).heartbeat()).isEqualTo(6);
    }

    @Test
    void aSilentNodeBecomesSuspectThenDeadThenIsForgotten() {
        NodeId a = NodeId.random(ids);
        NodeId b = NodeId.random(ids);
        Membership view = membership(member(a, 1, 1, 0));
        view.merge(List.of(member(b, 2, 1, 1)));
        clock.advance(SUSPECT.minusMillis(1));
        view.sweep();
        assertThat(byId(view).get(b).status()).isEqualTo(NodeStatus.ALIVE);
        clock.advance(Duration.ofMillis(1));
        view.sweep();
        assertThat(byId(view).get(b).status()).isEqualTo(NodeStatus.SUSPECT);
        clock.advance(DEAD.minus(SUSPECT));
        view.sweep();
        assertThat(byId(view).get(b).status()).isEqualTo(NodeStatus.DEAD);
        assertThat(view.nodeInfos()).extracting(n -> n.status()).containsExactly(NodeStatus.ALIVE, NodeStatus.DEAD);
        clock.advance(FORGET);
        view.sweep();
        assertThat(byId(view)).doesNotContainKey(b);
    }

    @Test
    void aHeartbeatBringsASuspectBackAndARestartOutranksTheOldLife() {
        NodeId a = NodeId.random(ids);
        NodeId b = NodeId.random(ids);
        Membership view = membership(member(a, 1, 1, 0));
        view.merge(List.of(member(b, 2, 1000, 50)));
        clock.advance(DEAD);
        view.sweep();
        assertThat(byId(view).get(b).status()).isEqualTo(NodeStatus.DEAD);
        // b restarts: a new generation, heartbeat from zero.
        assertThat(view.merge(List.of(member(b, 2, 2000, 0))).updated()).isEqualTo(1);
        view.sweep();
        assertThat(byId(view).get(b).status()).isEqualTo(NodeStatus.ALIVE);
        assertThat(byId(view).get(b).generation()).isEqualTo(2000);
    }

    @Test
    void aSecondNodeWithAKnownIdAtAnotherUrlIsRefused() {
        NodeId a = NodeId.random(ids);
        NodeId b = NodeId.random(ids);
        Membership view = membership(member(a, 1, 1, 0));
        view.merge(List.of(member(b, 2, 1, 1)));
        Member impostor = member(b, 3, 9, 9);
        assertThat(view.conflictOf(impostor)).isEqualTo(new Membership.Conflict(b, URI.create("http://127.0.0.1:2"),
                URI.create("http://127.0.0.1:3")));
        Membership.MergeResult r = view.merge(List.of(impostor));
        assertThat(r.conflicts()).hasSize(1);
        assertThat(byId(view).get(b).url().getPort()).isEqualTo(2);
        // Someone claiming this node's own ID is refused too.
        assertThat(view.conflictOf(member(a, 4, 9, 9))).isNotNull();
        assertThat(view.merge(List.of(member(a, 4, 9, 9))).conflicts()).hasSize(1);
        assertThat(view.self().url().getPort()).isEqualTo(1);
    }

    @Test
    void aDeadNodeMayComeBackAtAnotherUrl() {
        NodeId a = NodeId.random(ids);
        NodeId b = NodeId.random(ids);
        Membership view = membership(member(a, 1, 1, 0));
        view.merge(List.of(member(b, 2, 1, 1)));
        clock.advance(DEAD);
        view.sweep();
        Member moved = member(b, 3, 2, 0);
        assertThat(view.conflictOf(moved)).isNull();
        view.merge(List.of(moved));
        view.sweep();
        assertThat(byId(view).get(b).url().getPort()).isEqualTo(3);
        assertThat(byId(view).get(b).status()).isEqualTo(NodeStatus.ALIVE);
    }

    @Test
    void aNodeHeardOfOnlyAsDeadIsNotLearned() {
        NodeId a = NodeId.random(ids);
        Member ghost = member(NodeId.random(ids), 2, 1, 1).withStatus(NodeStatus.DEAD);
        Membership view = membership(member(a, 1, 1, 0));
        assertThat(view.merge(List.of(ghost)).added()).isZero();
        assertThat(view.view()).hasSize(1);
    }

    @Test
    void beatRaisesOnlyTheOwnHeartbeat() {
        Membership view = membership(member(NodeId.random(ids), 1, 7, 0));
        view.beat(10, 20, 3);
        Member self = view.beat(11, 20, 4);
        assertThat(self.heartbeat()).isEqualTo(2);
        assertThat(self.generation()).isEqualTo(7);
        assertThat(self.freeBytes()).isEqualTo(11);
    }

    @Test
    void gossipTargetsAreJoinUrlsUntilAPeerIsKnownThenRandomLivePeers() {
        long seed = new Random().nextLong();
        RandomGeneratorSource random = new RandomGeneratorSource(seed);
        NodeId a = NodeId.random(ids);
        Membership view = membership(member(a, 1, 1, 0));
        URI join = URI.create("http://127.0.0.1:9");
        assertThat(view.gossipTargets(random.random, List.of(join, URI.create("http://127.0.0.1:1"))))
                .as("seed %d", seed).containsExactly(join);
        for (int i = 0; i < 5; i++) {
            view.merge(List.of(member(NodeId.random(ids), 10 + i, 1, 1)));
        }
        Set<URI> chosen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<URI> targets = view.gossipTargets(random.random, List.of(join));
            assertThat(targets).as("seed %d", seed).hasSize(1).doesNotContain(join);
            chosen.addAll(targets);
        }
        assertThat(chosen).as("seed %d: every live peer gets picked", seed).hasSize(5);
    }

    @Test
    void deadPeersAreProbedNowAndThen() {
        long seed = SEED;
        java.util.random.RandomGenerator random = new SplittableRandom(seed);
        Membership view = membership(member(NodeId.random(ids), 1, 1, 0));
        Member dead = member(NodeId.random(ids), 2, 1, 1);
        view.merge(List.of(dead));
        clock.advance(DEAD);
        view.sweep();
        view.merge(List.of(member(NodeId.random(ids), 3, 1, 1)));
        int probes = 0;
        for (int i = 0; i < 400; i++) {
            if (view.gossipTargets(random, List.of()).contains(dead.url())) {
                probes++;
            }
        }
        // One live peer: a dead one is probed with probability 1/2.
        assertThat(probes).as("seed %d", seed).isBetween(140, 260);
    }

    /** Holds a seeded generator and its seed, so failures can be replayed. */
    private record RandomGeneratorSource(long seed, java.util.random.RandomGenerator random) {
        RandomGeneratorSource(long seed) {
            this(seed, new SplittableRandom(seed));
        }
    }
}
