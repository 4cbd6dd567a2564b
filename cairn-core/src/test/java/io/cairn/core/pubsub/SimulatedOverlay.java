package io.cairn.core.pubsub;

import io.cairn.core.NodeId;
import io.cairn.core.pubsub.QuasarRouter.Decision;
import io.cairn.core.pubsub.QuasarRouter.Forward;
import io.cairn.core.pubsub.QuasarRouter.LocalState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * An in-memory overlay of simulated nodes running the real filter exchange
 * ({@link AttenuatedBloomFilter#local}, {@link NeighbourFilters#offer}) and the real
 * {@link QuasarRouter}. Everything random comes from one seed, and messages are processed in FIFO
 * order, so a seed replays a run exactly. No threads, no clock: "time" is the round number.
 */
final class SimulatedOverlay {
    /** What one publication did. {@code hops} are per delivery (0 at the publisher). */
    record Outcome(String topic, NodeId publisher, Set<NodeId> subscribers, Map<NodeId, Integer> delivered,
                   int messages, int duplicates, int maxHops) {
        /** Subscribers other than the publisher, and how many of them got it. */
        int wanted() {
            return subscribers.size() - (subscribers.contains(publisher) ? 1 : 0);
        }

        int got() {
            return delivered.size() - (delivered.containsKey(publisher) ? 1 : 0);
        }
    }

    private static final long ROUND_MS = 1_000;

    final long seed;
    final SplittableRandom random;
    final List<NodeId> nodes = new ArrayList<>();
    final Map<NodeId, List<NodeId>> neighbours = new HashMap<>();
    final Map<NodeId, Set<String>> subscriptions = new HashMap<>();
    private final Map<NodeId, NeighbourFilters> held = new HashMap<>();
    private final Map<NodeId, AttenuatedBloomFilter> own = new HashMap<>();
    private final Map<NodeId, SeenPublications> seen = new HashMap<>();
    private final BloomFilter.Shape shape;
    private long round;

    SimulatedOverlay(long seed, int nodeCount, int closest, int randomLinks, BloomFilter.Shape shape) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.shape = shape;
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(NodeId.random(random));
        }
        Map<NodeId, List<NodeId>> choices = new HashMap<>();
        for (NodeId n : nodes) {
            choices.put(n, OverlayNeighbours.choose(n, nodes, closest, randomLinks, random));
        }
        OverlayNeighbours.undirected(choices).forEach((n, ns) -> neighbours.put(n, List.copyOf(ns)));
        for (NodeId n : nodes) {
            subscriptions.put(n, new HashSet<>());
            held.put(n, NeighbourFilters.empty(shape, PubSubLimits.DEFAULT_FILTER_MAX_AGE_MS));
            seen.put(n, new SeenPublications(PubSubLimits.DEFAULT_SEEN_CAPACITY));
        }
    }

    /** {@code count} distinct random nodes subscribe to {@code topic}; returns them. */
    Set<NodeId> subscribeRandom(String topic, int count) {
        Set<NodeId> chosen = new TreeSet<>();
        while (chosen.size() < count) {
            chosen.add(nodes.get(random.nextInt(nodes.size())));
        }
        chosen.forEach(n -> subscriptions.get(n).add(topic));
        return chosen;
    }

    /**
     * Synchronous exchange rounds until no node's filter changes: each node builds its filter from
     * the fresh filters it holds and pushes it to every neighbour. Returns the rounds taken.
     */
    int propagate(int maxRounds) {
        for (int r = 1; r <= maxRounds; r++) {
            round++;
            long now = round * ROUND_MS;
            Map<NodeId, AttenuatedBloomFilter> next = new HashMap<>();
            for (NodeId n : nodes) {
                next.put(n, AttenuatedBloomFilter.local(n, subscriptions.get(n), held.get(n).fresh(now).values(), shape));
            }
            boolean changed = !next.equals(own);
            own.putAll(next);
            for (NodeId n : nodes) {
                FilterUpdate update = new FilterUpdate(n, round, own.get(n));
                for (NodeId to : neighbours.get(n)) {
                    NeighbourFilters.Result result = held.get(to).offer(update, neighbours.get(to), now);
                    if (result.verdict() != NeighbourFilters.Verdict.ACCEPTED) {
                        throw new AssertionError("seed " + seed + ": " + to + " refused " + n + ": " + result.verdict());
                    }
                    held.put(to, result.table());
                }
            }
            if (!changed) {
                return r;
            }
        }
        throw new AssertionError("seed " + seed + ": filters did not converge in " + maxRounds + " rounds");
    }

    /** Publishes from {@code publisher} and runs every copy to completion. */
    Outcome publish(NodeId publisher, String topic, int ttl, boolean useFilters) {
        Publication first = Publication.publish(topic, "{\"n\":" + random.nextInt(1000) + "}", ttl, random);
        record InFlight(NodeId at, NodeId from, Publication publication) {}
        ArrayDeque<InFlight> queue = new ArrayDeque<>();
        queue.add(new InFlight(publisher, publisher, first));
        Map<NodeId, Integer> delivered = new HashMap<>();
        int messages = 0;
        int duplicates = 0;
        int maxHops = 0;
        long now = round * ROUND_MS;
        while (!queue.isEmpty()) {
            InFlight m = queue.poll();
            int hops = ttl - m.publication().ttl();
            maxHops = Math.max(maxHops, hops);
            LocalState local = new LocalState(m.at(), subscriptions.get(m.at()), neighbours.get(m.at()), seen.get(m.at()));
            Map<NodeId, AttenuatedBloomFilter> filters = useFilters ? held.get(m.at()).fresh(now) : Map.of();
            Decision d = QuasarRouter.route(m.publication(), m.from(), local, filters, random);
            if (d.outcome() == QuasarRouter.Outcome.DUPLICATE) {
                duplicates++;
            }
            if (d.deliver() && delivered.putIfAbsent(m.at(), hops) != null) {
                throw new AssertionError("seed " + seed + ": delivered twice at " + m.at());
            }
            for (Forward f : d.forwards()) {
                messages++;
                queue.add(new InFlight(f.to(), m.at(), f.publication()));
            }
        }
        Set<NodeId> subscribers = new HashSet<>();
        subscriptions.forEach((n, topics) -> {
            if (topics.contains(topic)) {
                subscribers.add(n);
            }
        });
        return new Outcome(topic, publisher, subscribers, delivered, messages, duplicates, maxHops);
    }

    NodeId randomNode() {
        return nodes.get(random.nextInt(nodes.size()));
    }

    double meanDegree() {
        return neighbours.values().stream().mapToInt(List::size).average().orElse(0);
    }

    int maxDegree() {
        return neighbours.values().stream().mapToInt(List::size).max().orElse(0);
    }
}
