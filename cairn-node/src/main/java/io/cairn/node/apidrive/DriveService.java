package io.cairn.node.apidrive;

import io.cairn.client.BlockClient;
import io.cairn.client.Transport;
import io.cairn.core.Clock;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.http.ClusterAuth;
import io.cairn.node.http.Router;
import io.cairn.node.membership.Membership;
import io.cairn.store.BlockStore;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API Drive role of one node (SPEC §3.3, §2 leases; issue #5): its routes, its coordinator,
 * the batched lease renewals and the lease keeper. Built and closed by {@code CairnNode}; tests
 * reach it through {@code CairnNode.apiDrive()} to run the keeper or flush renewals at a moment
 * of their choosing (with a manual clock).
 *
 * <p>Threads: one scheduler thread per task (renewal flushes every
 * {@link DriveSettings#renewalFlushInterval()}, keeper rounds every
 * {@link DriveSettings#maintenanceInterval()}, none when zero); local writes of the coordinator
 * on virtual threads.
 */
public final class DriveService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DriveService.class);
    public static final String BSON = "application/bson";
    /** Timeout of one node-to-node call made here (a copy, a lease batch, a query). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final DriveSettings settings;
    private final ReplicaRenewals renewals;
    private final LeaseKeeper keeper;
    private final DriveStoreRoute storeRoute;
    private final DriveRetrieveRoute retrieveRoute;
    private final LeaseQueryRoute queryRoute;
    private final InternalBlockRoute internalBlockRoute;
    private final ExecutorService localWrites;
    private final ScheduledExecutorService scheduler;

    public DriveService(DriveSettings settings, int replication, Clock clock, BlockStore store, Membership membership,
                        Transport transport, BlockFetcher fetcher, ClusterAuth auth) {
        this.settings = settings;
        DriveCodec codec = new DriveCodec(settings.maxDataBytes());
        this.localWrites = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cairn-drive-", 0).factory());
        ReplicaPeers peers = new ReplicaPeers(membership, replication);
        DriveCoordinator coordinator = new DriveCoordinator(
                new BlockClient(transport, DriveCoordinator.policy(replication), CALL_TIMEOUT),
                new LocalReplica(membership.self().id(), store, localWrites),
                membership::nodeInfos, clock, settings.lease(), CALL_TIMEOUT);
        this.renewals = new ReplicaRenewals(peers, transport, CALL_TIMEOUT, settings.maxPendingRenewals());
        this.keeper = new LeaseKeeper(store, peers, transport, clock, settings.expiryLookahead(), settings.expiryGrace(),
                CALL_TIMEOUT);
        this.storeRoute = new DriveStoreRoute(codec, new DriveRateLimiter("chunks stored", settings.storesPerPeriod(),
                settings.limitPeriod(), auth, clock), coordinator);
        this.retrieveRoute = new DriveRetrieveRoute(codec, new DriveRateLimiter("chunks retrieved",
                settings.retrievesPerPeriod(), settings.limitPeriod(), auth, clock), store, fetcher, renewals, clock,
                settings.lease());
        this.queryRoute = new LeaseQueryRoute(store);
        this.internalBlockRoute = new InternalBlockRoute(store);
        this.scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("cairn-drive-maint-", 0).factory());
    }

    /** Adds the API Drive routes, public and internal. */
    public Router register(Router router) {
        return router
                .add("POST", DriveStoreRoute.PATH, storeRoute)
                .add("POST", DriveRetrieveRoute.PATH, retrieveRoute)
                .addInternal("POST", LeaseQueryRoute.PATH, queryRoute)
                .addInternal("GET", InternalBlockRoute.PATH, internalBlockRoute);
    }

    /** Starts the periodic work. */
    public void start() {
        long flushMs = settings.renewalFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> guarded("renewal flush", renewals::flush), flushMs, flushMs,
                TimeUnit.MILLISECONDS);
        if (!settings.maintenanceInterval().isZero()) {
            long ms = settings.maintenanceInterval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> guarded("lease keeper", keeper::runOnce), ms, ms, TimeUnit.MILLISECONDS);
        }
        log.info("API Drive: {}", settings);
    }

    /** Runs one lease keeper round now (tests, operators). */
    public LeaseKeeper.Round runLeaseKeeper() {
        return keeper.runOnce();
    }

    /** Sends the pending read renewals to the other replicas now; returns the acknowledged count. */
    public int flushRenewals() {
        return renewals.flush();
    }

    public DriveSettings settings() {
        return settings;
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        localWrites.shutdownNow();
    }
}
