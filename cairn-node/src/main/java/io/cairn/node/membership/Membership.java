package io.cairn.node.membership;

import io.cairn.core.Clock;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A node's view of the cluster and the rules that change it: pure state, no I/O. The
 * {@link Gossiper} feeds it what peers send; tests drive it with a manual clock and a seed.
 *
 * <p>The protocol is heartbeat gossip (as in Cassandra's and Scuttlebutt's failure detectors,
 * without the phi accrual):
 * <ul>
 *   <li>Each round a node raises its own heartbeat ({@link #beat}) and swaps its whole view with
 *       one random live peer ({@link #gossipTargets}).</li>
 *   <li><b>Merge</b> ({@link #merge}): for each node, the higher {@code (generation, heartbeat)}
 *       wins; when a node's version rises, this node has heard from it, now.</li>
 *   <li><b>Failure detection</b> ({@link #sweep}): a node whose version has not risen for
 *       {@code suspectAfter} is SUSPECT, for {@code deadAfter} DEAD; it stays listed as DEAD for
 *       {@code forgetAfter} more and is then forgotten. Statuses are each node's own judgement:
 *       only versions travel as facts.</li>
 *   <li><b>Duplicate IDs</b> (SPEC §1): an ID already known at another URL is refused — the entry is
 *       not merged and the conflict is reported so the caller can refuse the sender and log it —
 *       unless the known entry is DEAD, in which case a newer version may move the node (a node
 *       restarted elsewhere with its data directory).</li>
 *   <li>A node heard of only as DEAD is not learned: that keeps forgotten nodes from coming back
 *       through a peer that has not forgotten them yet.</li>
 * </ul>
 * Thread-safe: every method is synchronized; views are snapshots.
 */
public final class Membership {
    /** A claim to an ID this node already knows at another URL. */
    public record Conflict(NodeId id, URI knownUrl, URI claimedUrl) {}

    /** What a merge did. */
    public record MergeResult(int added, int updated, List<Conflict> conflicts) {}

    /** The durations that drive failure detection. */
    public record Timings(Duration suspectAfter, Duration deadAfter, Duration forgetAfter) {}

    private static final class Entry {
        Member member;
        long heardNanos;
        long seenMillis;

        Entry(Member member, long heardNanos, long seenMillis) {
            this.member = member;
            this.heardNanos = heardNanos;
            this.seenMillis = seenMillis;
        }
    }

    private final Clock clock;
    private final Timings timings;
    private final NodeId selfId;
    private Member self;
    private final Map<NodeId, Entry> peers = new LinkedHashMap<>();

    /** {@code self} is this node as it starts: its generation should be its start time in epoch ms. */
    public Membership(Member self, Timings timings, Clock clock) {
        this.self = self.withStatus(NodeStatus.ALIVE);
        this.selfId = self.id();
        this.timings = timings;
        this.clock = clock;
    }

    public NodeId selfId() {
        return selfId;
    }

    public synchronized Member self() {
        return self;
    }

    /** Raises this node's heartbeat and refreshes what it reports about itself. */
    public synchronized Member beat(long freeBytes, long capacityBytes, double load) {
        self = new Member(selfId, self.url(), self.roles(), self.generation(), self.heartbeat() + 1,
                freeBytes, capacityBytes, load, NodeStatus.ALIVE);
        return self;
    }

    /** Merges what a peer sent. Conflicting entries are skipped and returned; the rest apply. */
    public synchronized MergeResult merge(Collection<Member> remote) {
        long now = clock.nanoTime();
        long nowMillis = clock.now().toEpochMilli();
        int added = 0;
        int updated = 0;
        List<Conflict> conflicts = new ArrayList<>();
        for (Member r : remote) {
            if (r.id().equals(selfId)) {
                if (!r.url().equals(self.url())) {
                    conflicts.add(new Conflict(selfId, self.url(), r.url()));
                }
                continue;
            }
            Entry e = peers.get(r.id());
            if (e == null) {
                if (r.status() == NodeStatus.DEAD) {
                    continue;
                }
                peers.put(r.id(), new Entry(r, now, nowMillis));
                added++;
                continue;
            }
            boolean moved = !r.url().equals(e.member.url());
            if (moved && e.member.status() != NodeStatus.DEAD) {
                conflicts.add(new Conflict(r.id(), e.member.url(), r.url()));
                continue;
            }
            if (r.newerThan(e.member)) {
                e.member = r.withStatus(NodeStatus.ALIVE);
                e.heardNanos = now;
                e.seenMillis = nowMillis;
                updated++;
            }
        }
        return new MergeResult(added, updated, conflicts);
    }

    /**
     * Whether {@code sender}'s own entry conflicts with this view: a request from it would merge
     * nothing and should be refused as a whole.
     */
    public synchronized Conflict conflictOf(Member sender) {
        if (sender.id().equals(selfId)) {
            return sender.url().equals(self.url()) ? null : new Conflict(selfId, self.url(), sender.url());
        }
        Entry e = peers.get(sender.id());
        if (e != null && !e.member.url().equals(sender.url()) && e.member.status() != NodeStatus.DEAD) {
            return new Conflict(sender.id(), e.member.url(), sender.url());
        }
        return null;
    }

    /** Re-judges every peer by how long it has been silent; forgets the long dead. */
    public synchronized void sweep() {
        long now = clock.nanoTime();
        long suspect = timings.suspectAfter().toNanos();
        long dead = timings.deadAfter().toNanos();
        long forget = dead + timings.forgetAfter().toNanos();
        var it = peers.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            long silent = now - e.heardNanos;
            if (silent >= forget) {
                it.remove();
                continue;
            }
            NodeStatus s = silent >= dead ? NodeStatus.DEAD : silent >= suspect ? NodeStatus.SUSPECT : NodeStatus.ALIVE;
            e.member = e.member.withStatus(s);
        }
    }

    /** Every node known, this one first, with this node's judgement of each. */
    public synchronized List<Member> view() {
        List<Member> out = new ArrayList<>(peers.size() + 1);
        out.add(self);
        for (Entry e : peers.values()) {
            out.add(e.member);
        }
        return out;
    }

    /** The node list of {@code GET /nodes}. */
    public synchronized List<NodeInfo> nodeInfos() {
        List<NodeInfo> out = new ArrayList<>(peers.size() + 1);
        out.add(info(self, clock.now().toEpochMilli()));
        for (Entry e : peers.values()) {
            out.add(info(e.member, e.seenMillis));
        }
        out.subList(1, out.size()).sort(Comparator.comparing(n -> n.url().toString()));
        return out;
    }

    private static NodeInfo info(Member m, long seenMillis) {
        return new NodeInfo(m.id(), m.url(), m.roles(), m.status(), m.freeBytes(), m.capacityBytes(), m.load(), seenMillis);
    }

    /**
     * Whom to gossip with this round: one random live (alive or suspect) peer; and, with
     * probability 1/(live+1), one random dead peer, so that a node that comes back is found even
     * when it remembers nobody. Knowing no live peer, the join URLs (but never this node's own).
     */
    public synchronized List<URI> gossipTargets(RandomGenerator random, List<URI> joinUrls) {
        List<URI> live = new ArrayList<>();
        List<URI> dead = new ArrayList<>();
        for (Entry e : peers.values()) {
            if (!e.member.url().equals(self.url())) {
                (e.member.status() == NodeStatus.DEAD ? dead : live).add(e.member.url());
            }
        }
        List<URI> targets = new ArrayList<>(2);
        if (!live.isEmpty()) {
            targets.add(live.get(random.nextInt(live.size())));
        } else {
            for (URI u : joinUrls) {
                if (!u.equals(self.url())) {
                    targets.add(u);
                }
            }
        }
        if (!dead.isEmpty() && random.nextInt(live.size() + 1) == 0) {
            URI d = dead.get(random.nextInt(dead.size()));
            if (!targets.contains(d)) {
                targets.add(d);
            }
        }
        return targets;
    }
}
