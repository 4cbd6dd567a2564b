package io.cairn.node.events;

import java.util.Locale;

/** The events a node records (issue #9); each is documented in docs/OPERATIONS.md. */
public enum EventType {
    /** Gossip: a node this node did not know is alive. */
    NODE_JOINED(false),
    /** Gossip: a node has been silent for the suspect timeout. */
    NODE_SUSPECTED(false),
    /** Gossip: a node has been silent for the dead timeout. */
    NODE_DEAD(true),
    /** Gossip: a suspect or dead node is heard from again. */
    NODE_RETURNED(false),
    /** Distribute service: a storage node's health changed (alive, suspect, dead). */
    HEALTH_CHANGED(false),
    /** Distribute service: repair began copying blocks. */
    REPAIR_STARTED(false),
    /** Distribute service: the repair queue ran empty. */
    REPAIR_FINISHED(false),
    /** This node's scrubber found and quarantined corrupt blocks. */
    SCRUB_CORRUPTION(true);

    private final boolean warn;

    EventType(boolean warn) {
        this.warn = warn;
    }

    /** {@code node.joined}, {@code repair.started}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");
    }

    public boolean warn() {
        return warn;
    }
}
