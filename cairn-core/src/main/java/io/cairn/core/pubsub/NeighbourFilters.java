package io.cairn.core.pubsub;

import io.cairn.core.NodeId;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The filters a node holds from its neighbours, and the rules for taking in a {@link FilterUpdate}.
 * Immutable: every change returns a new table, so the node can swap one reference atomically and
 * routing always sees a consistent set. Time comes in as {@code nowMs} arguments (wall-clock
 * millis from the node's clock); nothing here reads a clock.
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>An update from a node that is not a current neighbour is dropped: strangers must not steer
 *       our routing, and a former neighbour's view no longer describes a path we have.</li>
 *   <li>An update whose version is not above the held one is stale and ignored (reordered or
 *       replayed pushes), <em>unless</em> the held entry has expired: a sender that restarted with
 *       a lower counter is accepted again after at most {@code maxAgeMs}.</li>
 *   <li>An update of another shape than ours is refused: levels could not be OR-ed.</li>
 *   <li>{@link #fresh} yields only filters received within {@code maxAgeMs}; older ones are
 *       ignored for routing and for building our own filter, since a silent neighbour may be gone.</li>
 * </ul>
 * {@link #shouldPush} is the sender's side: push when our filter changed, or when
 * {@code refreshMs} have passed since the last push, so that receivers' entries stay fresh.
 */
public final class NeighbourFilters {
    public enum Verdict { ACCEPTED, NOT_A_NEIGHBOUR, STALE, WRONG_SHAPE }

    public record Entry(long version, long receivedAtMs, AttenuatedBloomFilter filter) {}

    public record Result(Verdict verdict, NeighbourFilters table) {}

    private final BloomFilter.Shape shape;
    private final long maxAgeMs;
    private final Map<NodeId, Entry> entries;

    private NeighbourFilters(BloomFilter.Shape shape, long maxAgeMs, Map<NodeId, Entry> entries) {
        this.shape = shape;
        this.maxAgeMs = maxAgeMs;
        this.entries = Map.copyOf(entries);
    }

    public static NeighbourFilters empty(BloomFilter.Shape shape, long maxAgeMs) {
        if (maxAgeMs <= 0) {
            throw new IllegalArgumentException("maxAgeMs must be positive, got " + maxAgeMs);
        }
        return new NeighbourFilters(shape, maxAgeMs, Map.of());
    }

    /** Takes in an update by the rules above; the table is unchanged unless ACCEPTED. */
    public Result offer(FilterUpdate update, Collection<NodeId> neighbours, long nowMs) {
        if (!neighbours.contains(update.from())) {
            return new Result(Verdict.NOT_A_NEIGHBOUR, this);
        }
        if (!update.filter().shape().equals(shape)) {
            return new Result(Verdict.WRONG_SHAPE, this);
        }
        Entry held = entries.get(update.from());
        if (held != null && update.version() <= held.version() && !expired(held, nowMs)) {
            return new Result(Verdict.STALE, this);
        }
        Map<NodeId, Entry> next = new HashMap<>(entries);
        next.put(update.from(), new Entry(update.version(), nowMs, update.filter()));
        return new Result(Verdict.ACCEPTED, new NeighbourFilters(shape, maxAgeMs, next));
    }

    /** Forgets the filters of nodes that are no longer neighbours. */
    public NeighbourFilters retain(Set<NodeId> neighbours) {
        Map<NodeId, Entry> next = new HashMap<>(entries);
        next.keySet().retainAll(neighbours);
        return next.size() == entries.size() ? this : new NeighbourFilters(shape, maxAgeMs, next);
    }

    /** The filters received within {@code maxAgeMs} of {@code nowMs}: the ones to route and build on. */
    public Map<NodeId, AttenuatedBloomFilter> fresh(long nowMs) {
        Map<NodeId, AttenuatedBloomFilter> out = new LinkedHashMap<>();
        entries.forEach((node, e) -> {
            if (!expired(e, nowMs)) {
                out.put(node, e.filter());
            }
        });
        return out;
    }

    public Entry entry(NodeId node) {
        return entries.get(node);
    }

    public BloomFilter.Shape shape() {
        return shape;
    }

    public int size() {
        return entries.size();
    }

    private boolean expired(Entry e, long nowMs) {
        return nowMs - e.receivedAtMs() > maxAgeMs;
    }

    /**
     * Whether to push {@code current} to the neighbours now.
     *
     * @param lastPushed the filter pushed last, null if never
     */
    public static boolean shouldPush(AttenuatedBloomFilter lastPushed, long lastPushMs, AttenuatedBloomFilter current,
                                     long nowMs, long refreshMs) {
        return lastPushed == null || !lastPushed.equals(current) || nowMs - lastPushMs >= refreshMs;
    }
}
