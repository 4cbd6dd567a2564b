package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.NodeId;
import io.cairn.core.pubsub.BloomFilter.Key;
import io.cairn.core.pubsub.BloomFilter.Shape;
import io.cairn.core.pubsub.QuasarRouter.Decision;
import io.cairn.core.pubsub.QuasarRouter.Forward;
import io.cairn.core.pubsub.QuasarRouter.LocalState;
import io.cairn.core.pubsub.QuasarRouter.Outcome;
import io.cairn.core.pubsub.QuasarRouter.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The router's rules one at a time, on hand-built neighbourhoods. */
class QuasarRouterTest {
    private static final String TOPIC = "0f01020303";
    private final SplittableRandom ids = new SplittableRandom(61);
    private final NodeId self = NodeId.random(ids);
    private final NodeId n1 = NodeId.random(ids), n2 = NodeId.random(ids), n3 = NodeId.random(ids);
    private final NodeId far = NodeId.random(ids);
    private final Map<NodeId, AttenuatedBloomFilter> filters = new HashMap<>();

    /** A filter for neighbour {@code n} whose level {@code level} has the topic and the given nodes. */
    private static AttenuatedBloomFilter filterWithTopicAt(NodeId n, int level, NodeId... nodesAtThatLevel) {
        List<BloomFilter> levels = new ArrayList<>();
        for (int i = 0; i < AttenuatedBloomFilter.DEPTH; i++) {
            List<Key> keys = new ArrayList<>();
            if (i == 0) {
                keys.add(Key.node(n));
            }
            if (i == level) {
                keys.add(Key.topic(TOPIC));
                for (NodeId other : nodesAtThatLevel) {
                    keys.add(Key.node(other));
                }
            }
            levels.add(BloomFilter.of(Shape.DEFAULT, keys));
        }
        return AttenuatedBloomFilter.ofLevels(levels);
    }

    private LocalState state(Set<String> subscriptions) {
        return new LocalState(self, subscriptions, List.of(n1, n2, n3), new SeenPublications(16));
    }

    private Publication publication(int ttl, NodeId... met) {
        return new Publication("p1", TOPIC, "{}", ttl, List.of(met));
    }

    @Test
    void dropsDuplicates() {
        LocalState local = state(Set.of(TOPIC));
        Decision first = QuasarRouter.route(publication(5), n1, local, filters, new SplittableRandom(1));
        assertThat(first.deliver()).isTrue();
        Decision again = QuasarRouter.route(publication(5), n2, local, filters, new SplittableRandom(1));
        assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(again.deliver()).isFalse();
        assertThat(again.forwards()).isEmpty();
    }

    @Test
    void ttlZeroIsDeliveredButNotForwarded() {
        Decision d = QuasarRouter.route(publication(0), n1, state(Set.of(TOPIC)), filters, new SplittableRandom(1));
        assertThat(d.outcome()).isEqualTo(Outcome.TTL_EXHAUSTED);
        assertThat(d.deliver()).isTrue();
        assertThat(d.forwards()).isEmpty();
        assertThat(QuasarRouter.route(publication(0), n1, state(Set.of()), filters, new SplittableRandom(1)).deliver()).isFalse();
    }

    @Test
    void followsTheShallowestMatch() {
        filters.put(n1, filterWithTopicAt(n1, 2));
        filters.put(n2, filterWithTopicAt(n2, 1));
        filters.put(n3, filterWithTopicAt(n3, -1));
        Decision d = QuasarRouter.route(publication(5), self, state(Set.of()), filters, new SplittableRandom(1));
        assertThat(d.outcome()).isEqualTo(Outcome.FORWARDED);
        assertThat(d.deliver()).isFalse();
        assertThat(d.forwards()).singleElement().satisfies(f -> {
            assertThat(f.to()).isEqualTo(n2);
            assertThat(f.reason()).isEqualTo(Reason.FILTER_MATCH);
            assertThat(f.level()).isEqualTo(1);
            assertThat(f.publication().ttl()).isEqualTo(4);
            assertThat(f.publication().met()).isEmpty();
        });
    }

    /** n2's level-1 match is the subscriber already met (its ID is at the same level): go to n1 instead. */
    @Test
    void negativeInformationSkipsARouteBackToAMetSubscriber() {
        filters.put(n1, filterWithTopicAt(n1, 2));
        filters.put(n2, filterWithTopicAt(n2, 1, far));
        Decision d = QuasarRouter.route(publication(5, far), n3, state(Set.of()), filters, new SplittableRandom(1));
        assertThat(d.forwards()).singleElement().satisfies(f -> {
            assertThat(f.to()).isEqualTo(n1);
            assertThat(f.level()).isEqualTo(2);
            assertThat(f.publication().met()).containsExactly(far);
        });
    }

    @Test
    void neverSendsBackToTheSenderOrAMetSubscriber() {
        filters.put(n1, filterWithTopicAt(n1, 0));
        filters.put(n2, filterWithTopicAt(n2, 0));
        Decision d = QuasarRouter.route(publication(5, n2), n1, state(Set.of()), filters, new SplittableRandom(1));
        assertThat(d.forwards()).singleElement().satisfies(f -> {
            assertThat(f.to()).isEqualTo(n3);
            assertThat(f.reason()).isEqualTo(Reason.RANDOM_STEP);
            assertThat(f.level()).isEqualTo(-1);
        });
    }

    @Test
    void aSubscriberDeliversJoinsTheMetListAndSpreadsToSubscribedNeighbours() {
        filters.put(n1, filterWithTopicAt(n1, 0));
        filters.put(n2, filterWithTopicAt(n2, 0));
        filters.put(n3, filterWithTopicAt(n3, 2));
        Decision d = QuasarRouter.route(publication(5), self, state(Set.of(TOPIC)), filters, new SplittableRandom(1));
        assertThat(d.deliver()).isTrue();
        assertThat(d.forwards()).extracting(Forward::to).containsExactly(n1, n2, n3);
        assertThat(d.forwards()).extracting(Forward::reason).containsExactly(Reason.SPREAD, Reason.SPREAD, Reason.FILTER_MATCH);
        assertThat(d.forwards()).allSatisfy(f -> assertThat(f.publication().met()).containsExactly(self));
    }

    @Test
    void randomStepWhenNothingMatchesAndDeadEndWhenEveryoneHasSeenIt() {
        long seed = 62;
        SplittableRandom random = new SplittableRandom(seed);
        Map<NodeId, Integer> hits = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            LocalState local = state(Set.of());
            Decision d = QuasarRouter.route(publication(5), n1, local, Map.of(), random);
            assertThat(d.forwards()).as("seed %d", seed).singleElement()
                    .satisfies(f -> assertThat(f.reason()).isEqualTo(Reason.RANDOM_STEP));
            hits.merge(d.forwards().getFirst().to(), 1, Integer::sum);
        }
        assertThat(hits).as("seed %d: uniform over n2, n3", seed).containsOnlyKeys(n2, n3);
        assertThat(hits.get(n2)).as("seed %d", seed).isBetween(1350, 1650);

        Decision dead = QuasarRouter.route(publication(5, n2, n3), n1, state(Set.of()), filters, random);
        assertThat(dead.outcome()).isEqualTo(Outcome.DEAD_END);
        assertThat(dead.forwards()).isEmpty();
    }

    @Test
    void tiesAreBrokenAtRandom() {
        long seed = 63;
        filters.put(n1, filterWithTopicAt(n1, 1));
        filters.put(n2, filterWithTopicAt(n2, 1));
        filters.put(n3, filterWithTopicAt(n3, 1));
        SplittableRandom random = new SplittableRandom(seed);
        Map<NodeId, Integer> hits = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            Decision d = QuasarRouter.route(publication(5), self, state(Set.of()), filters, random);
            hits.merge(d.forwards().getFirst().to(), 1, Integer::sum);
        }
        assertThat(hits.values()).as("seed %d: %s", seed, hits).allMatch(c -> c > 850 && c < 1150);
    }

    @Test
    void filtersOfNonNeighboursAreIgnored() {
        filters.put(far, filterWithTopicAt(far, 0));
        Decision d = QuasarRouter.route(publication(5), self, state(Set.of()), filters, new SplittableRandom(1));
        assertThat(d.forwards()).singleElement().satisfies(f -> {
            assertThat(f.to()).isIn(n1, n2, n3);
            assertThat(f.reason()).isEqualTo(Reason.RANDOM_STEP);
        });
    }

    /** Without a usable match, a random step avoids neighbours adjacent to the previous hop or a met subscriber. */
    @Test
    void randomStepsMoveAwayFromCoveredGround() {
        long seed = 64;
        NodeId n4 = NodeId.random(ids);
        filters.put(n2, AttenuatedBloomFilter.ofLevels(List.of(BloomFilter.of(Shape.DEFAULT, List.of(Key.node(n2))),
                BloomFilter.of(Shape.DEFAULT, List.of(Key.node(n1))), BloomFilter.empty(Shape.DEFAULT))));
        filters.put(n3, AttenuatedBloomFilter.ofLevels(List.of(BloomFilter.of(Shape.DEFAULT, List.of(Key.node(n3))),
                BloomFilter.of(Shape.DEFAULT, List.of(Key.node(far))), BloomFilter.empty(Shape.DEFAULT))));
        filters.put(n4, filterWithTopicAt(n4, -1));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            LocalState local = new LocalState(self, Set.of(), List.of(n1, n2, n3, n4), new SeenPublications(4));
            Decision d = QuasarRouter.route(publication(5, far), n1, local, filters, random);
            assertThat(d.forwards()).as("seed %d", seed).singleElement().satisfies(f -> {
                assertThat(f.to()).isEqualTo(n4);
                assertThat(f.reason()).isEqualTo(Reason.RANDOM_STEP);
            });
        }
    }
}
