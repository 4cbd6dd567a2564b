package io.cairn.node.directory;

import io.cairn.client.Transport;
import io.cairn.core.Clock;
import io.cairn.core.names.HybridLogicalClock;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.http.Router;
import io.cairn.node.membership.Membership;
import io.cairn.node.memcache.MemcacheServer;
import io.cairn.node.storage.LeaseRenewal;
import io.cairn.store.BlockStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory role of a node, wired: its store, ring, service, routes, background rounds and,
 * when configured, the memcache listener. Every node plays it. Made by {@code CairnNode.start},
 * closed with the node; tests use the few public methods to drive rounds.
 */
public final class DirectoryRole implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectoryRole.class);
    /** How often the background thread checks whether a round is due. */
    static final long TICK_MS = 100;
    /** Least time between rounds started because the ring is unsettled (a failing peer costs a pass each). */
    static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final EntryStore store;
    private final Directory directory;
    private final AntiEntropy antiEntropy;
    private final LeaseKeeper leases;
    private final RingView ring;
    private final DirectorySettings settings;
    private final ExecutorService background;
    private final java.util.concurrent.ScheduledExecutorService rounds;
    private long lastAntiEntropy = Long.MIN_VALUE / 2;
    private long lastGeneration = -1;
    private long lastLeases;
    private final MemcacheServer memcache;
    private final Clock clock;
    private volatile boolean closed;

    private DirectoryRole(EntryStore store, Directory directory, AntiEntropy antiEntropy, LeaseKeeper leases,
                          RingView ring, DirectorySettings settings, ExecutorService background, MemcacheServer memcache,
                          Clock clock) {
        this.store = store;
        this.directory = directory;
        this.antiEntropy = antiEntropy;
        this.leases = leases;
        this.ring = ring;
        this.settings = settings;
        this.background = background;
        this.memcache = memcache;
        this.clock = clock;
        this.rounds = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cairn-directory-rounds").factory());
        this.lastLeases = clock.nanoTime();
    }

    /** Opens {@code <dataDir>/directory.mv} and starts the role; the caller adds {@link #routes} before serving. */
    public static DirectoryRole start(DirectorySettings settings, Path dataDir, String host, BlockStore blockStore,
                                      Membership membership, Transport transport, BlockFetcher fetcher,
                                      int replication, Clock clock) throws IOException {
        EntryStore store = EntryStore.open(dataDir);
        ExecutorService background = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cairn-directory-", 0).factory());
        MemcacheServer memcache = null;
        try {
            RingView ring = new RingView(membership, settings.virtualNodes(), clock);
            HybridLogicalClock hlc = new HybridLogicalClock(clock, HybridLogicalClock.DEFAULT_MAX_DRIFT, store.lastHlc());
            DirectoryPeers peers = new DirectoryPeers(transport, settings.peerTimeout());
            Blobs blobs = new Blobs(blockStore, membership, transport, fetcher, replication, settings.peerTimeout());
            Directory directory = new Directory(store, ring, peers, blobs, hlc, settings, clock, background,
                    membership::nodeInfos);
            AntiEntropy antiEntropy = new AntiEntropy(directory, ring, peers);
            LeaseKeeper leases = new LeaseKeeper(directory, ring, blockStore, transport, clock);
            if (settings.memcachePort() >= 0) {
                memcache = MemcacheServer.start(host, settings.memcachePort(),
                        new DirectoryMemcache(directory, leases, settings.memcacheMaxValueBytes()),
                        new MemcacheServer.Limits(settings.memcacheMaxValueBytes(), settings.memcacheMaxLineBytes(),
                                settings.memcacheMaxConnections(), settings.memcacheIdleTimeout()), clock);
            }
            DirectoryRole role = new DirectoryRole(store, directory, antiEntropy, leases, ring, settings, background,
                    memcache, clock);
            log.info("directory: {} records, R={} W={} {} points per node, anti-entropy every {}, leases renewed every {}",
                    store.count(), settings.replicas(), settings.writeQuorum(), settings.virtualNodes(),
                    settings.antiEntropyInterval(), settings.leaseRenewInterval());
            return role;
        } catch (IOException | RuntimeException e) {
            if (memcache != null) {
                memcache.close();
            }
            background.shutdownNow();
            store.close();
            throw e;
        }
    }

    /** Adds the directory's routes. */
    public Router routes(Router router, BlockStore blockStore) {
        NamesRoute names = new NamesRoute(directory, new LeaseRenewal(blockStore, clock));
        return router
                .add("GET", "/names", new ListNamesRoute(directory))
                .add("GET", "/names/{name...}", names)
                .add("HEAD", "/names/{name...}", names)
                .add("PUT", "/names/{name...}", names)
                .add("DELETE", "/names/{name...}", names)
                .addInternal("POST", DirectoryPeers.RECORDS, new InternalNamesRoutes.Records(directory))
                .addInternal("POST", DirectoryPeers.READ, new InternalNamesRoutes.Read(directory))
                .addInternal("GET", DirectoryPeers.LIST, new InternalNamesRoutes.LocalList(directory))
                .addInternal("POST", DirectoryPeers.DIGESTS, new InternalNamesRoutes.Digests(antiEntropy));
    }

    /** Starts the background rounds (after the server answers). */
    public void startRounds() {
        rounds.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs an anti-entropy round when the ring changed, is not yet settled, or the interval has
     * passed; a lease round when its interval has passed. One thread, so rounds never overlap.
     */
    private void tick() {
        if (closed) {
            return;
        }
        try {
            long now = clock.nanoTime();
            long generation = ring.snapshot().generation();
            long since = now - lastAntiEntropy;
            boolean due = since >= settings.antiEntropyInterval().toNanos()
                    || ((generation != lastGeneration || !ring.settled()) && since >= RETRY_NANOS);
            if (due) {
                antiEntropy.round();
                lastAntiEntropy = clock.nanoTime();
                lastGeneration = generation;
            }
            if (now - lastLeases >= settings.leaseRenewInterval().toNanos()) {
                leases.round();
                lastLeases = clock.nanoTime();
            }
        } catch (RuntimeException e) {
            log.warn("directory round failed: {}", e.toString());
        }
    }

    /** The memcache port, or -1 when the listener is off. */
    public int memcachePort() {
        return memcache == null ? -1 : memcache.port();
    }

    /** Runs one anti-entropy round now; true when it completed without failures. */
    public boolean antiEntropyNow() {
        return antiEntropy.round();
    }

    /** Runs one lease-renewal round now; returns the number of renewals sent. */
    public long renewLeasesNow() {
        return leases.round();
    }

    /** Records held here (tombstones included). */
    public long recordCount() {
        return store.count();
    }

    /** True when the ring has not changed since the last complete anti-entropy round. */
    public boolean settled() {
        return ring.settled();
    }

    @Override
    public void close() {
        closed = true;
        rounds.shutdownNow();
        try {
            rounds.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (memcache != null) {
            memcache.close();
        }
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
