package io.cairn.node.membership;

import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.util.Set;

/**
 * What one node tells the cluster about a node in a gossip exchange.
 *
 * <p>{@code (generation, heartbeat)} orders versions of the same node: generation is the epoch
 * millisecond at which that node last started, heartbeat counts its gossip rounds since then. A
 * restarted node thus outranks everything the cluster remembers of its previous life even though
 * its counter starts again from zero.
 *
 * @param status what the sender believes of the node; a receiver keeps its own judgement
 */
public record Member(NodeId id, URI url, Set<String> roles, long generation, long heartbeat,
                     long freeBytes, long capacityBytes, double load, NodeStatus status) {
    public Member {
        roles = Set.copyOf(roles);
    }

    /** True when this is a later version of the same node than {@code other}. */
    public boolean newerThan(Member other) {
        return generation != other.generation ? generation > other.generation : heartbeat > other.heartbeat;
    }

    Member withStatus(NodeStatus s) {
        return s == status ? this : new Member(id, url, roles, generation, heartbeat, freeBytes, capacityBytes, load, s);
    }
}
