package io.cairn.node.directory;

import io.cairn.core.Clock;
import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import io.cairn.core.names.HashRing;
import io.cairn.core.names.Name;
import io.cairn.core.names.NameKey;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The directory ring as this node sees it now: a {@link HashRing} over the members its
 * {@link Membership} judges ALIVE (every node is a directory node), rebuilt only when that set
 * changes. Suspect nodes leave the ring at once, so that when an owner stops answering its
 * successor takes over within {@code suspectAfter} (SPEC §3.4: "when the owner is down, its
 * successor answers"); entries it lacks are read from the other replicas and handed over by
 * anti-entropy.
 *
 * <p>Also remembers when the ring last changed: {@link #settled()} is false until anti-entropy
 * has completed a full round that started after the change, and owners read through to the other
 * replicas while the ring is unsettled (see {@link Directory}).
 */
final class RingView {
    /** One immutable snapshot: the ring, the URL of each of its nodes, and its generation. */
    record Snapshot(HashRing ring, Map<NodeId, URI> urls, long generation) {
        List<NodeId> successors(Name name, int r) {
            return ring.successors(NameKey.of(name), r);
        }

        URI url(NodeId id) {
            return urls.get(id);
        }
    }

    private final Membership membership;
    private final int virtualNodes;
    private final Clock clock;
    private volatile Snapshot current;
    private volatile long settledGeneration = -1;

    RingView(Membership membership, int virtualNodes, Clock clock) {
        this.membership = membership;
        this.virtualNodes = virtualNodes;
        this.clock = clock;
    }

    /** The ring for the current membership view (cached while the alive set is unchanged). */
    Snapshot snapshot() {
        List<Member> view = membership.view();
        TreeSet<NodeId> alive = new TreeSet<>();
        Map<NodeId, URI> urls = new HashMap<>();
        for (Member m : view) {
            if (m.status() == NodeStatus.ALIVE) {
                alive.add(m.id());
                urls.put(m.id(), m.url());
            }
        }
        Snapshot s = current;
        if (s != null && s.urls().equals(urls)) {
            return s;
        }
        synchronized (this) {
            s = current;
            if (s != null && s.urls().equals(urls)) {
                return s;
            }
            long generation = s == null ? 0 : s.generation() + 1;
            Snapshot next = new Snapshot(HashRing.of(alive, virtualNodes), Map.copyOf(urls), generation);
            current = next;
            return next;
        }
    }

    NodeId self() {
        return membership.selfId();
    }

    /** True when anti-entropy has finished a round begun at or after the last ring change. */
    boolean settled() {
        return settledGeneration >= snapshot().generation();
    }

    /** Anti-entropy reports a completed round that started with ring generation {@code generation}. */
    void roundCompleted(long generation) {
        if (generation > settledGeneration) {
            settledGeneration = generation;
        }
    }

    Clock clock() {
        return clock;
    }
}
