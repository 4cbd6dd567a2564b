package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.NodeId;
import io.cairn.core.pubsub.BloomFilter.Shape;
import io.cairn.core.pubsub.NeighbourFilters.Result;
import io.cairn.core.pubsub.NeighbourFilters.Verdict;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NeighbourFiltersTest {
    private static final Shape SHAPE = new Shape(256, 3);
    private static final long MAX_AGE_MS = 90_000;
    private final SplittableRandom random = new SplittableRandom(41);
    private final NodeId a = NodeId.random(random);
    private final NodeId b = NodeId.random(random);
    private final NodeId stranger = NodeId.random(random);
    private final Set<NodeId> neighbours = Set.of(a, b);

    private AttenuatedBloomFilter filter(NodeId node, String... topics) {
        return AttenuatedBloomFilter.local(node, Set.of(topics), List.of(), SHAPE);
    }

    @Test
    void acceptsNeighboursAndDropsStrangers() {
        NeighbourFilters t = NeighbourFilters.empty(SHAPE, MAX_AGE_MS);
        Result r = t.offer(new FilterUpdate(stranger, 1, filter(stranger, "x")), neighbours, 0);
        assertThat(r.verdict()).isEqualTo(Verdict.NOT_A_NEIGHBOUR);
        assertThat(r.table()).isSameAs(t);
        r = t.offer(new FilterUpdate(a, 1, filter(a, "x")), neighbours, 0);
        assertThat(r.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(r.table().fresh(0)).containsOnlyKeys(a);
        assertThat(t.size()).as("immutable").isZero();
    }

    @Test
    void ignoresStaleVersionsUntilTheHeldOneExpires() {
        NeighbourFilters t = NeighbourFilters.empty(SHAPE, MAX_AGE_MS)
                .offer(new FilterUpdate(a, 10, filter(a, "new")), neighbours, 1_000).table();
        assertThat(t.offer(new FilterUpdate(a, 9, filter(a, "old")), neighbours, 2_000).verdict()).isEqualTo(Verdict.STALE);
        assertThat(t.offer(new FilterUpdate(a, 10, filter(a, "old")), neighbours, 2_000).verdict()).isEqualTo(Verdict.STALE);
        Result refreshed = t.offer(new FilterUpdate(a, 11, filter(a, "new")), neighbours, 2_000);
        assertThat(refreshed.verdict()).isEqualTo(Verdict.ACCEPTED);
        assertThat(refreshed.table().entry(a).receivedAtMs()).isEqualTo(2_000);
        // The sender restarted with a low counter: accepted once the held entry is older than maxAge.
        assertThat(t.offer(new FilterUpdate(a, 1, filter(a, "restarted")), neighbours, 1_000 + MAX_AGE_MS + 1).verdict())
                .isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void freshIgnoresFiltersOlderThanMaxAge() {
        NeighbourFilters t = NeighbourFilters.empty(SHAPE, MAX_AGE_MS)
                .offer(new FilterUpdate(a, 1, filter(a)), neighbours, 0).table()
                .offer(new FilterUpdate(b, 1, filter(b)), neighbours, 50_000).table();
        assertThat(t.fresh(MAX_AGE_MS)).containsOnlyKeys(a, b);
        assertThat(t.fresh(MAX_AGE_MS + 1)).containsOnlyKeys(b);
        assertThat(t.fresh(50_000 + MAX_AGE_MS + 1)).isEmpty();
    }

    @Test
    void refusesOtherShapesAndForgetsFormerNeighbours() {
        NeighbourFilters t = NeighbourFilters.empty(SHAPE, MAX_AGE_MS);
        AttenuatedBloomFilter wrong = AttenuatedBloomFilter.local(a, Set.of(), List.of(), new Shape(128, 3));
        assertThat(t.offer(new FilterUpdate(a, 1, wrong), neighbours, 0).verdict()).isEqualTo(Verdict.WRONG_SHAPE);
        t = t.offer(new FilterUpdate(a, 1, filter(a)), neighbours, 0).table()
                .offer(new FilterUpdate(b, 1, filter(b)), neighbours, 0).table();
        assertThat(t.retain(Set.of(b)).fresh(0)).containsOnlyKeys(b);
        assertThat(t.retain(neighbours)).isSameAs(t);
    }

    @Test
    void pushesOnChangeAndPeriodically() {
        AttenuatedBloomFilter one = filter(a, "x");
        AttenuatedBloomFilter two = filter(a, "y");
        long refresh = PubSubLimits.DEFAULT_REFRESH_MS;
        assertThat(NeighbourFilters.shouldPush(null, 0, one, 0, refresh)).isTrue();
        assertThat(NeighbourFilters.shouldPush(one, 0, filter(a, "x"), refresh - 1, refresh)).isFalse();
        assertThat(NeighbourFilters.shouldPush(one, 0, two, 1, refresh)).isTrue();
        assertThat(NeighbourFilters.shouldPush(one, 0, one, refresh, refresh)).isTrue();
    }
}
