package io.cairn.node.events;

import io.cairn.core.Clock;
import io.cairn.core.NodeId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's recent events (issue #9): a bounded in-memory ring of the last {@link #CAPACITY}
 * events for the dashboard, each also logged once (logger {@code io.cairn.events}, INFO, or WARN
 * for a dead node or corruption) with this node's short ID, and counted in
 * {@code cairn_events_total{type}}. Events are rare (membership and repair changes), never per
 * request, so a lock is fine. Fed by {@link ClusterWatcher}.
 */
public final class EventLog {
    public static final int CAPACITY = 200;
    private static final Logger log = LoggerFactory.getLogger("io.cairn.events");

    private final String self;
    private final Clock clock;
    private final ArrayDeque<Event> ring = new ArrayDeque<>(CAPACITY);
    private final Map<EventType, Counter> counters = new EnumMap<>(EventType.class);
    private long seq;

    public EventLog(NodeId self, Clock clock, MeterRegistry registry) {
        this.self = self.shortHex();
        this.clock = clock;
        for (EventType t : EventType.values()) {
            counters.put(t, Counter.builder("cairn.events").tag("type", t.wire())
                    .description("events recorded by this node").register(registry));
        }
    }

    /** Records, logs and counts one event. {@code subject} may be null. */
    public Event record(EventType type, String subject, String message) {
        Event e;
        synchronized (this) {
            e = new Event(++seq, clock.now().toEpochMilli(), self, type.wire(), type.warn() ? "warn" : "info",
                    subject, message);
            if (ring.size() == CAPACITY) {
                ring.removeFirst();
            }
            ring.addLast(e);
        }
        counters.get(type).increment();
        if (type.warn()) {
            log.warn("node {} event {}: {}", self, e.type(), message);
        } else {
            log.info("node {} event {}: {}", self, e.type(), message);
        }
        return e;
    }

    /** The newest {@code limit} events, newest first. */
    public synchronized List<Event> recent(int limit) {
        List<Event> out = new ArrayList<>(Math.min(limit, ring.size()));
        var it = ring.descendingIterator();
        while (it.hasNext() && out.size() < limit) {
            out.add(it.next());
        }
        return out;
    }
}
