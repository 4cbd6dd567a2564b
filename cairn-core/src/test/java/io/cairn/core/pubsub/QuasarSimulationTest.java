package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.NodeId;
import io.cairn.core.contracts.ContractTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Quasar on simulated overlays: propagate filters to their fixpoint, publish from random nodes to
 * topics with few subscribers, measure. Figures are printed with their seeds; every assertion
 * names the seed so a failure can be replayed.
 */
class QuasarSimulationTest {
    /** The figures of one run: sums over publications. */
    private record Tally(int publications, int wanted, int got, int allReached, long hopSum, int hopCount,
                         long messages, int duplicates, int maxHops) {
        double deliveryRate() {
            return wanted == 0 ? 1 : (double) got / wanted;
        }

        double meanHops() {
            return hopCount == 0 ? 0 : (double) hopSum / hopCount;
        }

        static Tally of(List<SimulatedOverlay.Outcome> outcomes) {
            int wanted = 0, got = 0, all = 0, hopCount = 0, dups = 0, maxHops = 0;
            long hopSum = 0, messages = 0;
            for (SimulatedOverlay.Outcome o : outcomes) {
                wanted += o.wanted();
                got += o.got();
                all += o.got() == o.wanted() ? 1 : 0;
                for (var e : o.delivered().entrySet()) {
                    if (!e.getKey().equals(o.publisher())) {
                        hopSum += e.getValue();
                        hopCount++;
                    }
                }
                messages += o.messages();
                dups += o.duplicates();
                maxHops = Math.max(maxHops, o.maxHops());
            }
            return new Tally(outcomes.size(), wanted, got, all, hopSum, hopCount, messages, dups, maxHops);
        }
    }

    private static List<SimulatedOverlay.Outcome> run(SimulatedOverlay overlay, List<String> topics, int publications,
                                                      int ttl, boolean useFilters) {
        List<SimulatedOverlay.Outcome> out = new ArrayList<>();
        for (int i = 0; i < publications; i++) {
            String topic = topics.get(overlay.random.nextInt(topics.size()));
            out.add(overlay.publish(overlay.randomNode(), topic, ttl, useFilters));
        }
        return out;
    }

    private static List<String> subscribeTopics(SimulatedOverlay overlay, int topicCount, int maxSubscribers) {
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < topicCount; t++) {
            String topic = "topic-" + t;
            overlay.subscribeRandom(topic, 1 + overlay.random.nextInt(maxSubscribers));
            topics.add(topic);
        }
        return topics;
    }

    @ParameterizedTest(name = "{0} nodes, seed {1}")
    @CsvSource({"50, 101", "200, 202", "500, 303", "500, 304"})
    void sparseTopicsAreDeliveredWithTtl32(int nodeCount, long seed) {
        SimulatedOverlay overlay = new SimulatedOverlay(seed, nodeCount, PubSubLimits.DEFAULT_CLOSEST_NEIGHBOURS,
                PubSubLimits.DEFAULT_RANDOM_NEIGHBOURS, BloomFilter.Shape.DEFAULT);
        List<String> topics = subscribeTopics(overlay, 40, 5);
        int rounds = overlay.propagate(10);
        assertThat(rounds).as("seed %d: fixpoint within depth + 1 rounds", seed)
                .isLessThanOrEqualTo(AttenuatedBloomFilter.DEPTH + 1);

        Tally quasar = Tally.of(run(overlay, topics, 400, PubSubLimits.DEFAULT_TTL, true));
        Tally walk = Tally.of(run(overlay, topics, 400, PubSubLimits.DEFAULT_TTL, false));
        print("quasar", nodeCount, seed, overlay, quasar);
        print("random-walk baseline", nodeCount, seed, overlay, walk);

        assertThat(quasar.deliveryRate()).as("seed %d: delivery rate %s", seed, quasar).isGreaterThanOrEqualTo(0.95);
        assertThat(quasar.maxHops()).as("seed %d: ttl bounds the walk", seed).isLessThanOrEqualTo(PubSubLimits.DEFAULT_TTL);
        assertThat(quasar.deliveryRate()).as("seed %d: filters beat a blind walk", seed).isGreaterThan(walk.deliveryRate());
    }

    /** Contract topics: storage nodes subscribe to what they can honour, clients publish under one. */
    @Test
    void contractTopicsReachTheirStorageNodes() {
        long seed = 405;
        SimulatedOverlay overlay = new SimulatedOverlay(seed, 300, 3, 2, BloomFilter.Shape.DEFAULT);
        List<String> topics = new ArrayList<>();
        ContractTopic.Tier[] tiers = ContractTopic.Tier.values();
        for (ContractTopic.Tier size : tiers) {
            for (ContractTopic.Tier availability : tiers) {
                String topic = new ContractTopic(size, ContractTopic.Tier.MEDIUM, availability, ContractTopic.Tier.LOW).hex();
                overlay.subscribeRandom(topic, 2 + overlay.random.nextInt(6));
                topics.add(topic);
            }
        }
        overlay.propagate(10);
        Tally t = Tally.of(run(overlay, topics, 300, PubSubLimits.DEFAULT_TTL, true));
        print("contract topics", 300, seed, overlay, t);
        assertThat(t.deliveryRate()).as("seed %d: %s", seed, t).isGreaterThanOrEqualTo(0.95);
    }

    /** Every copy takes at most ttl hops; no node delivers twice (the harness checks) and duplicates are dropped. */
    @ParameterizedTest(name = "ttl {0}")
    @CsvSource({"0", "1", "2", "4", "8"})
    void ttlBoundsTheWalkAndDuplicatesAreDropped(int ttl) {
        long seed = 500 + ttl;
        SimulatedOverlay overlay = new SimulatedOverlay(seed, 200, 3, 2, BloomFilter.Shape.DEFAULT);
        List<String> topics = subscribeTopics(overlay, 10, 30);
        overlay.propagate(10);
        List<SimulatedOverlay.Outcome> outcomes = run(overlay, topics, 200, ttl, true);
        for (SimulatedOverlay.Outcome o : outcomes) {
            assertThat(o.maxHops()).as("seed %d", seed).isLessThanOrEqualTo(ttl);
            assertThat(o.delivered().values()).as("seed %d", seed).allMatch(h -> h <= ttl);
            assertThat(o.delivered().keySet()).as("seed %d: only subscribers", seed).isSubsetOf(o.subscribers());
        }
        Tally t = Tally.of(outcomes);
        print("ttl " + ttl, 200, seed, overlay, t);
        if (ttl >= 4) {
            assertThat(t.duplicates()).as("seed %d: spread makes copies meet; they are dropped", seed).isPositive();
        }
    }

    /** The same seed gives the same run, message for message. */
    @Test
    void aSeedReplaysExactly() {
        long seed = 606;
        List<Tally> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SimulatedOverlay overlay = new SimulatedOverlay(seed, 120, 3, 2, BloomFilter.Shape.DEFAULT);
            List<String> topics = subscribeTopics(overlay, 10, 4);
            overlay.propagate(10);
            runs.add(Tally.of(run(overlay, topics, 100, 16, true)));
        }
        assertThat(runs.get(1)).as("seed %d", seed).isEqualTo(runs.get(0));
    }

    /** A subscriber dropping out: after re-propagation nothing is delivered to it, and the rest still are. */
    @Test
    void unsubscribingTakesEffectAfterPropagation() {
        long seed = 707;
        SimulatedOverlay overlay = new SimulatedOverlay(seed, 150, 3, 2, BloomFilter.Shape.DEFAULT);
        Set<NodeId> subs = overlay.subscribeRandom("leaving", 3);
        overlay.propagate(10);
        NodeId leaver = subs.iterator().next();
        overlay.subscriptions.get(leaver).remove("leaving");
        overlay.propagate(10);
        for (int i = 0; i < 50; i++) {
            SimulatedOverlay.Outcome o = overlay.publish(overlay.randomNode(), "leaving", 32, true);
            assertThat(o.delivered()).as("seed %d", seed).doesNotContainKey(leaver);
            assertThat(o.got()).as("seed %d publication %d", seed, i).isEqualTo(o.wanted());
        }
    }

    private static void print(String what, int nodes, long seed, SimulatedOverlay overlay, Tally t) {
        System.out.printf("quasar sim [%s]: nodes=%d degree mean=%.1f max=%d publications=%d delivery=%.4f "
                        + "all-reached=%.3f mean-hops=%.2f max-hops=%d messages/pub=%.1f duplicates=%d seed=%d%n",
                what, nodes, overlay.meanDegree(), overlay.maxDegree(), t.publications(), t.deliveryRate(),
                (double) t.allReached() / t.publications(), t.meanHops(), t.maxHops(),
                (double) t.messages() / t.publications(), t.duplicates(), seed);
    }
}
