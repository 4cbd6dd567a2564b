package io.cairn.node;

import io.cairn.client.JettyTransport;
import io.cairn.client.Transport;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import io.cairn.node.apidrive.DriveService;
import io.cairn.node.contracts.Contracts;
import io.cairn.node.directory.DirectoryRole;
import io.cairn.node.distribute.DistributeProtocol;
import io.cairn.node.distribute.DistributeService;
import io.cairn.node.distribute.HasRoute;
import io.cairn.node.distribute.RegisterRoute;
import io.cairn.node.distribute.StatusRoute;
import io.cairn.node.dashboard.DashboardRoutes;
import io.cairn.node.dashboard.DashboardService;
import io.cairn.node.events.ClusterWatcher;
import io.cairn.node.events.EventLog;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.files.FileRoute;
import io.cairn.node.http.CairnHandler;
import io.cairn.node.http.ClusterAuth;
import io.cairn.node.http.JsonErrorHandler;
import io.cairn.node.http.Router;
import io.cairn.node.membership.Gossiper;
import io.cairn.node.membership.GossipRoute;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import io.cairn.node.membership.NodesRoute;
import io.cairn.node.metrics.NodeMetrics;
import io.cairn.node.storage.DeleteBlockRoute;
import io.cairn.node.storage.GetBlockRoute;
import io.cairn.node.storage.InventoryRoute;
import io.cairn.node.storage.LeaseRenewal;
import io.cairn.node.storage.ReadBlocksRoute;
import io.cairn.node.storage.LeasesRoute;
import io.cairn.node.storage.PullRoute;
import io.cairn.node.storage.PutBlockRoute;
import io.cairn.node.storage.PutBlocksRoute;
import io.cairn.node.storage.PutRateLimiter;
import io.cairn.node.storage.SpaceRoute;
import io.cairn.node.storage.StoreMaintenance;
import io.cairn.node.reporting.DistributeReporter;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockStores;
import io.cairn.store.StoreConfig;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running cairn node: its data directory (locked), block store, HTTP server and gossip.
 * The CLI's {@code cairn node} and {@code cairn up}, and in-process test clusters, start nodes
 * with {@link #start(NodeConfig)} and stop them with {@link #close()}.
 *
 * <p>Promises: {@code start} returns once the node answers HTTP on {@link #url()} and gossip has
 * begun; it fails with a {@link CairnException} (and leaves nothing running, the directory
 * unlocked) when the directory is in use by another node or unreadable, or the port is taken.
 * {@code close} stops gossip, then the server, then the store, and releases the directory; it is
 * idempotent. The node ID survives restarts (it lives in the data directory).
 *
 * <p>Threads: Jetty's acceptor and selectors run on a small platform pool; every route that may
 * block (disk, peers) runs on a virtual thread (Jetty's {@link VirtualThreadPool}, bounded), and a
 * GET of a block already in memory is answered on the selector's thread (see {@code newServer});
 * gossip runs on one platform thread; chunk read-ahead for {@code /files} on virtual threads.
 */
public final class CairnNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CairnNode.class);
    /** Timeout of one node-to-node block fetch. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Bound on server tasks (requests, I/O) running at once. */
    static final int MAX_CONCURRENT_TASKS = 4096;

    private final NodeConfig config;
    private final NodeId id;
    private final URI url;
    private final BlockStore store;
    private final Membership membership;
    private final Server server;
    private final Gossiper gossiper;
    private final Contracts contracts;
    private DirectoryRole directory;
    private final DriveService drive;
    private final DistributeService distribute;
    private final DistributeReporter reporter;
    /** Everything to close, last opened first. */
    private final Deque<AutoCloseable> closers;
    private boolean closed;

    private CairnNode(NodeConfig config, NodeId id, URI url, BlockStore store, Membership membership,
                      Server server, Gossiper gossiper, Contracts contracts, DriveService drive,
                      DistributeService distribute, DistributeReporter reporter, Deque<AutoCloseable> closers) {
        this.distribute = distribute;
        this.reporter = reporter;
        this.config = config;
        this.id = id;
        this.url = url;
        this.store = store;
        this.membership = membership;
        this.server = server;
        this.gossiper = gossiper;
        this.contracts = contracts;
        this.drive = drive;
        this.closers = closers;
    }

    /** Starts a node with the production transport (Jetty client) and clock. */
    public static CairnNode start(NodeConfig config) {
        return start(config, null);
    }

    /**
     * Starts a node that talks to its peers through {@code transport} (a test may pass a
     * fault-injecting one); null means a {@link JettyTransport} with the config's cluster key,
     * owned and closed by the node. A transport passed in is not closed by the node.
     */
    public static CairnNode start(NodeConfig config, Transport transport) {
        return start(config, transport, Clock.SYSTEM, new SecureRandom());
    }

    /**
     * Starts a node whose leases, expiry and rate limits follow {@code clock} (tests pass a manual
     * one); the production transport, a secure random.
     */
    public static CairnNode startWithClock(NodeConfig config, Clock clock) {
        return startWithClock(config, null, clock);
    }

    /**
     * Starts a node on {@code clock} that talks to its peers through {@code transport} (null means
     * its own {@link JettyTransport}, as in {@link #start(NodeConfig, Transport)}); a secure random.
     * Pub/sub, contracts, the directory and API Drive all follow that clock.
     */
    public static CairnNode startWithClock(NodeConfig config, Transport transport, Clock clock) {
        return start(config, transport, clock, new SecureRandom());
    }

    static CairnNode start(NodeConfig config, Transport givenTransport, Clock clock, RandomGenerator random) {
        Deque<AutoCloseable> closers = new ArrayDeque<>();
        try {
            DataDir dataDir = DataDir.lock(config.dataDir());
            closers.push(dataDir);
            NodeId id = dataDir.loadOrCreateId();
            BlockStore store = BlockStores.open(new StoreConfig(dataDir.blocksDir(), config.capacityBytes(), clock));
            closers.push(store);
            Transport transport = givenTransport;
            if (transport == null) {
                transport = new JettyTransport(config.clusterKey());
                closers.push(transport);
            }
            ExecutorService fetchers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cairn-fetch-", 0).factory());
            closers.push(fetchers::shutdownNow);

            Server server = newServer();
            ServerConnector connector = newConnector(server, config);
            connector.open(); // bind now, so that port 0 resolves before the URL is advertised
            URI url = config.advertisedUrl(connector.getLocalPort());
            DirectoryRole[] directory = new DirectoryRole[1]; // closed after the server stopped
            closers.push(() -> {
                if (directory[0] != null) {
                    directory[0].close();
                }
            });
            closers.push(() -> stopServer(server));

            Membership membership = new Membership(
                    new Member(id, url, config.roles(), clock.now().toEpochMilli(), 0, 0, 0, 0, NodeStatus.ALIVE),
                    new Membership.Timings(config.suspectAfter(), config.deadAfter(), config.forgetDeadAfter()), clock);
            NodeMetrics metrics = new NodeMetrics(clock);
            metrics.bindStore(store);
            for (NodeStatus s : NodeStatus.values()) {
                Gauge.builder("cairn.cluster.nodes", membership, m -> m.view().stream().filter(x -> x.status() == s).count())
                        .tag("status", s.wire()).register(metrics.registry());
            }
            Gossiper gossiper = new Gossiper(membership, transport, config.join(), config.gossipInterval(), random, () -> {
                BlockStore.SpaceReport space = store.space();
                return new Gossiper.SelfReport(space.freeBytes(), space.capacityBytes(), metrics.inflight());
            });

            ClusterAuth auth = new ClusterAuth(config.clusterKey());
            BlockFetcher fetcher = new BlockFetcher(store, membership, transport, config.replication(), FETCH_TIMEOUT, fetchers);
            StoreMaintenance maintenance = new StoreMaintenance(store, clock, config.distribute().scrubBytesPerSecond(),
                    () -> metrics.bytesInTotal() + metrics.bytesOutTotal());
            closers.push(maintenance.start());
            io.cairn.node.metrics.OperatorMeters.bindMaintenance(maintenance, metrics.registry());
            io.cairn.node.metrics.OperatorMeters.bindGossip(membership, metrics.registry());
            DistributeService distribute = null;
            if (config.playsDistribute()) {
                distribute = new DistributeService(id, transport, clock, config.distribute(), config.replication(),
                        membership::nodeInfos, url.getPort());
                io.cairn.node.distribute.DistributeMeters.bind(distribute, metrics.registry());
            }
            Router router = routes(config, id, clock, store, membership, gossiper, metrics, auth, fetcher, distribute);
            Contracts contracts = new Contracts(config, config.dataDir(), membership, transport, store, fetcher, clock, random);
            contracts.register(router); // issue #7: /pubsub/*, /contracts/*, /internal/pubsub/*, /internal/contracts/*
            directory[0] = DirectoryRole.start(config.directory(), config.dataDir(), config.host(), store, membership,
                    transport, fetcher, config.replication(), clock);
            directory[0].routes(router, store);
            DriveService drive = new DriveService(config.drive(), config.replication(), clock, store, membership,
                    transport, fetcher, auth); // issue #5: /api/drive/*, /internal/leases/query, GET /internal/blocks/*
            closers.push(drive);
            drive.register(router);
            // Issue #9: events and the dashboard (GET /, /dashboard/*).
            EventLog events = new EventLog(id, clock, metrics.registry());
            DistributeService watched = distribute;
            closers.push(new ClusterWatcher(events, id, membership::nodeInfos, watched == null ? null : watched::status,
                    maintenance::corruptFound).start());
            DashboardService dashboard = new DashboardService(id, url, config.replication(), membership::nodeInfos,
                    store, metrics, events, distribute, transport, clock);
            closers.push(dashboard.start());
            DashboardRoutes.addTo(router, dashboard);
            io.cairn.node.hummel.Hummel hummel = new io.cairn.node.hummel.Hummel(config.hummel(), config.dataDir(), id, url,
                    transport, clock, random);
            closers.push(hummel);
            hummel.register(router); // issue #6: /build, /index, /locate, /slave/*, /hummel/*
            server.setHandler(new CairnHandler(router, auth, metrics));
            server.start();
            gossiper.start();
            closers.push(gossiper);
            contracts.start();
            closers.push(contracts);
            directory[0].startRounds();
            drive.start();
            if (distribute != null) {
                closers.push(distribute.start());
            }
            DistributeReporter reporter = null;
            if (config.roles().contains(io.cairn.core.NodeInfo.ROLE_STORAGE)) {
                reporter = new DistributeReporter(id, url, store, transport, membership::nodeInfos, config.distribute());
                closers.push(reporter.start());
            }
            hummel.start();
            log.info("node {} serving {} (data {}, roles {}, capacity {}, join {}, cluster key {}, gossip every {} "
                            + "suspect after {} dead after {})", id.shortHex(), url, config.dataDir().toAbsolutePath(),
                    config.roles(), config.capacityBytes() == 0 ? "disk" : config.capacityBytes() + " bytes", config.join(),
                    config.clusterKey() == null ? "none (open)" : "set", config.gossipInterval(),
                    config.suspectAfter(), config.deadAfter());
            CairnNode node = new CairnNode(config, id, url, store, membership, server, gossiper, contracts, drive,
                    distribute, reporter, closers);
            node.directory = directory[0];
            return node;
        } catch (Exception e) {
            closeAll(closers);
            if (e instanceof CairnException c) {
                throw c;
            }
            if (e instanceof IOException) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "cannot listen on " + config.host() + ":" + config.port()
                        + ": " + e.getMessage(), e);
            }
            throw new CairnException(ErrorCode.INTERNAL, "cannot start the node: " + e, e);
        }
    }

    private static Router routes(NodeConfig config, NodeId id, Clock clock, BlockStore store, Membership membership,
                                 Gossiper gossiper, NodeMetrics metrics, ClusterAuth auth, BlockFetcher fetcher,
                                 DistributeService distribute) {
        LeaseRenewal renewal = new LeaseRenewal(store, clock);
        GetBlockRoute getBlock = new GetBlockRoute(store, renewal);
        FileRoute file = new FileRoute(fetcher, config.fileReadAheadChunks());
        Router router = new Router();
        if (distribute != null) {
            // SPEC §3.2: every answer of the role, errors included, says which protocol it speaks.
            Map<String, String> protocol = DistributeProtocol.HEADERS;
            router.add("GET", "/id", new BasicRoutes.Id(id), false, protocol)
                    .add("PUT", "/register/{id}", new RegisterRoute(distribute), true, protocol)
                    .add("PUT", "/has/{id}", new HasRoute(distribute), true, protocol)
                    .add("GET", DistributeProtocol.STATUS_PATH, new StatusRoute(distribute), false, protocol);
        } else {
            router.add("GET", "/id", new BasicRoutes.Id(id));
        }
        PutRateLimiter putLimiter = new PutRateLimiter(config.putsPerSecondPerClient(), auth); // one bucket for single and batch PUTs
        return router
                .add("GET", "/blocks/{address}", getBlock)
                .add("HEAD", "/blocks/{address}", getBlock)
                .add("PUT", "/blocks/{address}", new PutBlockRoute(store, clock, putLimiter))
                .add("POST", "/blocks", new PutBlocksRoute(store, clock, putLimiter))
                .add("POST", "/blocks/read", new ReadBlocksRoute(store, renewal))
                .add("GET", "/files/{address}", file)
                .add("HEAD", "/files/{address}", file)
                .add("GET", "/health", new BasicRoutes.Health(gossiper::refusedBecause))
                .add("GET", "/metrics", new BasicRoutes.Metrics(metrics))
                .add("GET", "/space", new SpaceRoute(store))
                .add("GET", "/load", new BasicRoutes.Load(metrics))
                .add("GET", "/nodes", new NodesRoute(membership))
                .addInternal("POST", Gossiper.PATH, new GossipRoute(membership, gossiper))
                .addInternal("GET", "/internal/inventory", new InventoryRoute(store))
                .addInternal("DELETE", "/internal/blocks/{address}", new DeleteBlockRoute(store))
                .addInternal("POST", "/internal/leases", new LeasesRoute(store))
                .addInternal("POST", "/internal/pull", new PullRoute(store, fetcher, clock));
    }

    private static Server newServer() {
        // Selectors on a few platform threads, everything that may block on virtual threads.
        // A GET of a block in memory is answered on the selector's own thread (CairnHandler), so
        // the selector's thread kind is on the hot path: measured on 2 cores (issue #2,
        // docs/BENCHMARKS.md), platform selectors cost ~15 % less CPU per 64 KiB GET than virtual
        // ones under load (19.3-20.5 us against 20.6-24.4 us, alternating rounds; equal on a quiet
        // machine): a virtual selector's blocking epoll_wait pins a carrier and forces
        // compensation threads and context switches.
        // (Before GETs were answered inline, all-virtual won: the hand-off dominated then.)
        // -Dcairn.virtualSelectors=true brings back the all-virtual pool, for comparison.
        VirtualThreadPool virtual = new VirtualThreadPool(MAX_CONCURRENT_TASKS);
        virtual.setName("cairn-node");
        Server server;
        if (Boolean.getBoolean("cairn.virtualSelectors")) {
            server = new Server(virtual);
        } else {
            org.eclipse.jetty.util.thread.QueuedThreadPool io = new org.eclipse.jetty.util.thread.QueuedThreadPool(
                    Math.max(16, 4 * Runtime.getRuntime().availableProcessors()), 4);
            io.setName("cairn-io");
            io.setVirtualThreadsExecutor(virtual);
            server = new Server(io);
        }
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(5_000);
        return server;
    }

    private static ServerConnector newConnector(Server server, NodeConfig config) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setOutputBufferSize(64 * 1024);
        // Names may hold '/', written %2F (SPEC §3.4 via Name.fromUrlPath); everything else stays strict.
        http.setUriCompliance(UriCompliance.DEFAULT.with("cairn-names", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        // Jetty's default selector count (one per two cores). One per core was tried (issue #2,
        // docs/BENCHMARKS.md): on a quiet 2-core machine it lost ~18 % of in-memory GETs/s to
        // wrk sharing the cores (45-47k against 55-58k); -Dcairn.selectors=N still overrides.
        int selectors = Integer.getInteger("cairn.selectors", -1);
        ServerConnector connector = new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(1024);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        return connector;
    }

    private static void stopServer(Server server) throws Exception {
        server.stop();
    }

    public URI url() {
        return url;
    }

    public NodeId id() {
        return id;
    }

    public int port() {
        return url.getPort();
    }

    public BlockStore store() {
        return store;
    }

    public NodeConfig config() {
        return config;
    }

    /** The pub/sub overlay and storage contracts (issue #7). */
    public Contracts contracts() {
        return contracts;
    }

    /** The directory role (names, memcache). */
    public DirectoryRole directory() {
        return directory;
    }

    /** The API Drive role: its lease keeper and renewal batches can be run by hand (tests). */
    public DriveService apiDrive() {
        return drive;
    }

    /** The distribute role's service when this node plays it, else null. */
    public DistributeService distribute() {
        return distribute;
    }

    /** What reports this node's blocks to the distribute service (null without the storage role). */
    public DistributeReporter reporter() {
        return reporter;
    }

    /** This node's current view of the cluster (the data of {@code GET /nodes}). */
    public java.util.List<io.cairn.core.NodeInfo> nodes() {
        return membership.nodeInfos();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(closers);
        log.info("node {} at {} stopped", id.shortHex(), url);
    }

    private static void closeAll(Deque<AutoCloseable> closers) {
        while (!closers.isEmpty()) {
            AutoCloseable c = closers.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }
}
