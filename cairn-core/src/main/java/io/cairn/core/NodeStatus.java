package io.cairn.core;

import java.util.Locale;

/** What the cluster believes of a node (SPEC §3.4): alive, suspect (stop placing there), dead. */
public enum NodeStatus {
    ALIVE, SUSPECT, DEAD;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NodeStatus ofWire(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "unknown node status: " + text);
        }
    }
}
