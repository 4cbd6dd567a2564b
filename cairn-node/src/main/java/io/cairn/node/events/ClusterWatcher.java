package io.cairn.node.events;

import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import io.cairn.node.distribute.StatusRoute;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns state changes into {@link EventLog} events by comparing snapshots every {@link #TICK}
 * (issue #9). Watching from outside keeps membership, the distribute service and the scrubber
 * free of event plumbing; the price is that a change undone within one tick is not seen, which
 * suits a log meant for people.
 * <ul>
 *   <li>gossip view: joined, suspected, dead, returned (this node's judgement of its peers);</li>
 *   <li>distribute status (only where the node plays the role): a storage node's health changed;
 *       repair started (idle or waiting → repairing) and finished (→ idle, with what it copied);</li>
 *   <li>the scrubber's corruption count: corruption found.</li>
 * </ul>
 */
public final class ClusterWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatcher.class);
    static final Duration TICK = Duration.ofMillis(250);

    private final EventLog events;
    private final NodeId self;
    private final Supplier<List<NodeInfo>> gossip;
    private final Supplier<StatusRoute.Status> distribute;
    private final LongSupplier corruptFound;
    private final ScheduledExecutorService timer;
    private final Map<NodeId, NodeStatus> gossipSeen = new HashMap<>();
    private final Map<String, String> healthSeen = new HashMap<>();
    private boolean repairing;
    private long copiesAtStart;
    private long bytesAtStart;
    private long corruptSeen;

    /** {@code distribute} may be null (the node does not play the role). */
    public ClusterWatcher(EventLog events, NodeId self, Supplier<List<NodeInfo>> gossip,
                          Supplier<StatusRoute.Status> distribute, LongSupplier corruptFound) {
        this.events = events;
        this.self = self;
        this.gossip = gossip;
        this.distribute = distribute;
        this.corruptFound = corruptFound;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-events");
            t.setDaemon(true);
            return t;
        });
    }

    public ClusterWatcher start() {
        timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One comparison round; package-visible for tests. */
    synchronized void tick() {
        try {
            watchGossip();
            if (distribute != null) {
                watchDistribute(distribute.get());
            }
            long corrupt = corruptFound.getAsLong();
            if (corrupt > corruptSeen) {
                events.record(EventType.SCRUB_CORRUPTION, null, "scrub found " + (corrupt - corruptSeen)
                        + " corrupt block(s); quarantined, repair copies them back");
            }
            corruptSeen = corrupt;
        } catch (RuntimeException e) {
            log.debug("event watch failed: {}", e.toString());
        }
    }

    private void watchGossip() {
        for (NodeInfo n : gossip.get()) {
            if (n.id().equals(self)) {
                continue;
            }
            NodeStatus before = gossipSeen.put(n.id(), n.status());
            NodeStatus now = n.status();
            String who = n.id().shortHex();
            if (before == null) {
                if (now == NodeStatus.ALIVE) {
                    events.record(EventType.NODE_JOINED, who, who + " at " + n.url() + " joined " + n.roles());
                }
            } else if (before != now) {
                switch (now) {
                    case SUSPECT -> events.record(EventType.NODE_SUSPECTED, who, who + " at " + n.url() + " is suspect (silent)");
                    case DEAD -> events.record(EventType.NODE_DEAD, who, who + " at " + n.url() + " is dead (silent too long)");
                    case ALIVE -> events.record(EventType.NODE_RETURNED, who, who + " at " + n.url() + " is back (was " + before.wire() + ")");
                }
            }
        }
    }

    private void watchDistribute(StatusRoute.Status s) {
        for (StatusRoute.NodeStatus n : s.nodes()) {
            String before = healthSeen.put(n.id(), n.state());
            if (before != null && !before.equals(n.state())) {
                String who = n.id().substring(0, 12);
                events.record(EventType.HEALTH_CHANGED, who, "distribute: storage node " + who + " is " + n.state()
                        + " (was " + before + ")");
            }
        }
        boolean now = s.repairState().equals("repairing");
        if (now && !repairing) {
            copiesAtStart = s.copiesDone();
            bytesAtStart = s.copyBytes();
            events.record(EventType.REPAIR_STARTED, null, "repair started: " + s.repairQueue() + " orders queued, "
                    + s.underReplicated() + " blocks under-replicated, " + s.unavailable() + " unavailable");
            repairing = true;
        } else if (repairing && s.repairState().equals("idle")) {
            events.record(EventType.REPAIR_FINISHED, null, "repair finished: " + (s.copiesDone() - copiesAtStart)
                    + " copies, " + (s.copyBytes() - bytesAtStart) + " bytes");
            repairing = false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
