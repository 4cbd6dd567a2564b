package io.cairn.node.directory;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.names.HybridLogicalClock;
import io.cairn.core.names.Name;
import io.cairn.core.names.NameEntry;
import io.cairn.core.names.Version;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The directory service of one node (SPEC §3.4): writes records to a name's R ring successors,
 * reads them as owner, lists the whole cluster. Called by the {@code /names} routes, the internal
 * directory routes and the memcache face.
 *
 * <p><b>Writes</b> (any node coordinates): the record gets a version from this node's hybrid
 * logical clock with this node's ID as tie-break, goes to all R successors in parallel and is
 * acknowledged once W (default 2; min(W, ring size)) of them hold it durably. A successor that
 * already holds a newer version says so; the coordinator then moves its clock past that version
 * and writes again (at most {@value #WRITE_ATTEMPTS} times), so a write made after another was
 * acknowledged always wins even when the two coordinators' wall clocks disagree. Missing copies
 * are filled by read repair and anti-entropy.
 *
 * <p><b>Reads</b> (the owner): while the ring is settled (no change since anti-entropy last
 * completed a round) and the owner holds a record, it answers from its own store; R + W > N
 * then gives read-your-writes because every write reached the owner or the owner has since
 * synchronised. Otherwise (unsettled ring, or no local record) it reads through to the other
 * successors, takes the winner and repairs stale copies in the background.
 *
 * <p><b>Deletes</b> write a tombstone the same way; tombstones are kept (see DECISIONS).
 */
public final class Directory {
    static final int WRITE_ATTEMPTS = 3;

    private final EntryStore store;
    private final RingView ring;
    private final DirectoryPeers peers;
    private final Blobs blobs;
    private final HybridLogicalClock hlc;
    private final DirectorySettings settings;
    private final Clock clock;
    private final ExecutorService background;
    private final java.util.function.Supplier<List<io.cairn.core.NodeInfo>> membershipInfos;

    Directory(EntryStore store, RingView ring, DirectoryPeers peers, Blobs blobs, HybridLogicalClock hlc,
              DirectorySettings settings, Clock clock, ExecutorService background,
              java.util.function.Supplier<List<io.cairn.core.NodeInfo>> membershipInfos) {
        this.membershipInfos = membershipInfos;
        this.store = store;
        this.ring = ring;
        this.peers = peers;
        this.blobs = blobs;
        this.hlc = hlc;
        this.settings = settings;
        this.clock = clock;
        this.background = background;
    }

    NodeId self() {
        return ring.self();
    }

    Blobs blobs() {
        return blobs;
    }

    EntryStore store() {
        return store;
    }

    DirectorySettings settings() {
        return settings;
    }

    /** The name's successors in this node's current ring, owner first. */
    List<NodeId> successors(Name name) {
        List<NodeId> succ = ring.snapshot().successors(name, settings.replicas());
        if (succ.isEmpty()) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "no directory node is alive");
        }
        return succ;
    }

    URI urlOf(NodeId id) {
        return ring.snapshot().url(id);
    }

    // ---------------------------------------------------------------- writes

    /** Binds a name to a blob; returns the record as written. */
    public NameRecord bind(Name name, Address address, long size, boolean file, int clientFlags,
                           long expiresEpochSecond) {
        return write(name, (version, now) -> new NameRecord(NameEntry.live(name, address, size, version, now),
                file, clientFlags, expiresEpochSecond), null);
    }

    /** Deletes a name: NOT_FOUND when it does not resolve now. */
    public void delete(Name name) {
        NameRecord current = resolve(name);
        if (current == null || !current.resolvable(clock.now())) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no name " + quoted(name));
        }
        write(name, (version, now) -> NameRecord.of(NameEntry.tombstone(name, version, now)), current);
    }

    private interface RecordMaker {
        NameRecord make(Version version, java.time.Instant now);
    }

    private NameRecord write(Name name, RecordMaker maker, NameRecord seen) {
        if (seen != null) {
            hlc.update(seen.version().time()); // what we write must order after what we read
        }
        for (int attempt = 1; ; attempt++) {
            var snap = ring.snapshot();
            List<NodeId> succ = snap.successors(name, settings.replicas());
            if (succ.isEmpty()) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "no directory node is alive");
            }
            var time = hlc.tick();
            NameRecord record = maker.make(new Version(time, self()), clock.now());
            store.saveHlc(time);
            List<CompletableFuture<NameRecord>> calls = new ArrayList<>(succ.size());
            for (NodeId n : succ) {
                calls.add(n.equals(self())
                        ? CompletableFuture.supplyAsync(() -> mergeLocal(List.of(record)), background)
                                .thenApply(newer -> newer.isEmpty() ? null : newer.getFirst())
                        : pushOne(snap.url(n), record));
            }
            int need = Math.min(settings.writeQuorum(), succ.size());
            int ok = Quorum.await(calls, need, settings.peerTimeout().toMillis() * 2);
            if (ok < need) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "the entry of " + quoted(name) + " reached "
                        + ok + " of " + succ.size() + " replicas; " + need + " needed");
            }
            NameRecord newer = null;
            for (CompletableFuture<NameRecord> c : calls) {
                NameRecord r = c.isDone() && !c.isCompletedExceptionally() ? c.join() : null;
                if (r != null && r.version().isAfter(record.version())) {
                    newer = NameRecord.merge(newer, r);
                }
            }
            if (newer == null || attempt == WRITE_ATTEMPTS) {
                return record;
            }
            hlc.update(newer.version().time());
        }
    }

    /** Pushes one record; completes with the replica's newer record when it refused ours as older. */
    private CompletableFuture<NameRecord> pushOne(URI node, NameRecord record) {
        return peers.pushWithReply(node, List.of(record))
                .thenApply(newer -> newer.isEmpty() ? null : newer.getFirst());
    }

    /**
     * Merges records sent by a peer (or written here) and makes them durable. Returns the stored
     * records that beat offered ones (so the sender learns of newer versions). A record whose
     * clock is too far ahead of ours is refused (BAD_REQUEST) before anything is stored.
     */
    List<NameRecord> mergeLocal(List<NameRecord> records) {
        for (NameRecord r : records) {
            if (!r.version().writer().equals(self())) {
                hlc.update(r.version().time());
            }
        }
        List<NameRecord> newer = new ArrayList<>();
        for (NameRecord r : records) {
            EntryStore.Merged m = store.merge(r);
            if (!m.applied()) {
                newer.add(m.stored());
            }
        }
        store.sync();
        return newer;
    }

    // ---------------------------------------------------------------- reads

    /** True when this node is the owner of the name in its current ring. */
    boolean isOwner(Name name) {
        return successors(name).getFirst().equals(self());
    }

    /**
     * The record of a name as its owner sees it (this node acting as owner): local when settled,
     * else read through the other successors with repair. Null when no replica knows the name.
     */
    NameRecord ownerRead(Name name) {
        NameRecord local = store.get(name);
        if (local != null && ring.settled()) {
            return local;
        }
        var snap = ring.snapshot();
        List<NodeId> others = new ArrayList<>(snap.successors(name, settings.replicas()));
        others.remove(self());
        if (others.isEmpty()) {
            return local;
        }
        List<CompletableFuture<NameRecord>> calls = new ArrayList<>();
        for (NodeId n : others) {
            calls.add(peers.read(snap.url(n), name, false));
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(settings.peerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception someFailedOrSlow) {
            // use what arrived
        }
        NameRecord winner = local;
        for (CompletableFuture<NameRecord> c : calls) {
            if (c.isDone() && !c.isCompletedExceptionally()) {
                winner = NameRecord.merge(winner, c.join());
            }
        }
        if (winner != null) {
            repair(winner, local, others, calls, snap);
        }
        return winner;
    }

    private void repair(NameRecord winner, NameRecord local, List<NodeId> others,
                        List<CompletableFuture<NameRecord>> calls, RingView.Snapshot snap) {
        if (!winner.equals(local)) {
            background.execute(() -> mergeLocal(List.of(winner)));
        }
        for (int i = 0; i < others.size(); i++) {
            CompletableFuture<NameRecord> c = calls.get(i);
            NameRecord theirs = c.isDone() && !c.isCompletedExceptionally() ? c.join() : null;
            if (c.isDone() && !c.isCompletedExceptionally() && !winner.equals(theirs)) {
                peers.push(snap.url(others.get(i)), List.of(winner)).exceptionally(e -> null);
            }
        }
    }

    /**
     * The record of a name, from wherever this node is: as owner when it is one, else from the
     * owner, failing over to the next successors when the owner cannot be reached.
     */
    public NameRecord resolve(Name name) {
        var snap = ring.snapshot();
        List<NodeId> succ = snap.successors(name, settings.replicas());
        if (succ.isEmpty()) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "no directory node is alive");
        }
        CairnException last = null;
        for (NodeId n : succ) {
            if (n.equals(self())) {
                return ownerRead(name);
            }
            try {
                return peers.read(snap.url(n), name, true).join();
            } catch (CompletionException e) {
                last = e.getCause() instanceof CairnException c ? c
                        : new CairnException(ErrorCode.UNAVAILABLE, String.valueOf(e.getCause()));
            }
        }
        throw new CairnException(ErrorCode.UNAVAILABLE, "no replica of " + quoted(name) + " answered: "
                + (last == null ? "" : last.getMessage()));
    }

    // ---------------------------------------------------------------- listing

    /** Up to {@code limit} of this node's own records after {@code after}, with {@code prefix}, tombstones included. */
    List<NameRecord> localPage(String prefix, String after, int limit) {
        return store.scan(after == null ? null : EntryStore.key(after.getBytes(StandardCharsets.UTF_8)),
                prefix == null ? null : EntryStore.key(prefix.getBytes(StandardCharsets.UTF_8)), limit);
    }

    /** A page of the cluster's names (see {@link ListMerge}); UNAVAILABLE when R or more nodes did not answer. */
    ListMerge.Page list(String prefix, String after, int limit) {
        var snap = ring.snapshot();
        List<CompletableFuture<List<NameRecord>>> calls = new ArrayList<>();
        for (NodeId n : snap.ring().nodes()) {
            calls.add(n.equals(self())
                    ? CompletableFuture.supplyAsync(() -> localPage(prefix, after, limit), background)
                    : peers.list(snap.url(n), prefix, after, limit));
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(settings.peerTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception someFailed) {
            // counted below
        }
        List<List<NameRecord>> pages = new ArrayList<>();
        int failed = 0;
        for (CompletableFuture<List<NameRecord>> c : calls) {
            if (c.isDone() && !c.isCompletedExceptionally()) {
                pages.add(c.join());
            } else {
                failed++;
            }
        }
        if (failed > 0 && failed >= Math.min(settings.replicas(), calls.size())) {
            throw new CairnException(ErrorCode.UNAVAILABLE, failed + " of " + calls.size()
                    + " directory nodes did not answer; the listing could miss names");
        }
        return ListMerge.merge(pages, limit, clock.now());
    }

    Clock clock() {
        return clock;
    }

    /** The node list as this node's membership sees it (for block placement). */
    List<io.cairn.core.NodeInfo> membershipInfos() {
        return membershipInfos.get();
    }

    static String quoted(Name name) {
        String v = name.value();
        return "'" + (v.length() > 80 ? v.substring(0, 80) + "..." : v) + "'";
    }
}
