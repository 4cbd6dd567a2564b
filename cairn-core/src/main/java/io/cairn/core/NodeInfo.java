package io.cairn.core;

import java.net.URI;
import java.util.Set;

/**
 * One entry of the node list every node hands out at {@code GET /nodes} (SPEC §3.4):
 * {@code {"id","url","roles","status","freeBytes","capacityBytes","load","lastSeen"}}.
 *
 * @param load         requests in flight at that node when it last reported
 * @param lastSeenMillis epoch milliseconds of the last heartbeat heard from it (JSON {@code lastSeen})
 */
public record NodeInfo(NodeId id, URI url, Set<String> roles, NodeStatus status,
                       long freeBytes, long capacityBytes, double load, long lastSeenMillis) {
    public static final String ROLE_STORAGE = "storage";
    public static final String ROLE_DISTRIBUTE = "distribute";

    public NodeInfo {
        roles = Set.copyOf(roles);
    }

    public boolean alive() {
        return status == NodeStatus.ALIVE;
    }

    public boolean stores() {
        return roles.contains(ROLE_STORAGE);
    }
}
