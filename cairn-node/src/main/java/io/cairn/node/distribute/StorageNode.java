package io.cairn.node.distribute;

import io.cairn.core.NodeId;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One storage node as the distribute service knows it: its holder index in the
 * {@link io.cairn.core.repair.HoldingsTable} (fixed for the service's life), where to reach it,
 * its health, whether it is registered and whether its inventory is complete. Mutable; guarded
 * by its own monitor, except the counters.
 */
final class StorageNode {
    final NodeId id;
    final int index;
    final AtomicLong holdings = new AtomicLong();
    private URI url;
    private NodeHealth health = NodeHealth.FRESH;
    private boolean registered;
    private boolean inventoryComplete;
    private long lastOkMillis;
    private long registrations;

    StorageNode(NodeId id, int index) {
        this.id = id;
        this.index = index;
    }

    synchronized void register(URI newUrl) {
        url = newUrl;
        health = NodeHealth.FRESH;
        registered = true;
        inventoryComplete = false;
        registrations++;
    }

    synchronized void unregister() {
        registered = false;
        inventoryComplete = false;
    }

    synchronized URI url() {
        return url;
    }

    synchronized NodeHealth health() {
        return health;
    }

    synchronized void health(NodeHealth h, long nowMillis) {
        health = h;
        if (h.state() == NodeHealth.State.ALIVE) {
            lastOkMillis = nowMillis;
        }
    }

    synchronized boolean registered() {
        return registered;
    }

    synchronized boolean inventoryComplete() {
        return inventoryComplete;
    }

    synchronized void completeInventory() {
        if (registered) {
            inventoryComplete = true;
        }
    }

    synchronized long lastOkMillis() {
        return lastOkMillis;
    }

    synchronized long registrations() {
        return registrations;
    }

    /** Counts as a holder and may be a source or target: registered, complete, alive. */
    synchronized boolean healthy() {
        return registered && inventoryComplete && health.state() == NodeHealth.State.ALIVE;
    }

    /** Keeps its place but gets no copies: registered, complete, suspect. */
    synchronized boolean suspect() {
        return registered && inventoryComplete && health.state() == NodeHealth.State.SUSPECT;
    }
}
