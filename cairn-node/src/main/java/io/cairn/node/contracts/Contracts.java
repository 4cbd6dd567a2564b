package io.cairn.node.contracts;

import io.cairn.client.Transport;
import io.cairn.core.Clock;
import io.cairn.core.NodeInfo;
import io.cairn.node.NodeConfig;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.http.Router;
import io.cairn.node.membership.Membership;
import io.cairn.node.pubsub.PubSubRoutes;
import io.cairn.node.pubsub.PubSubService;
import io.cairn.node.pubsub.PubSubSettings;
import io.cairn.store.BlockStore;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's pub/sub overlay and storage contracts in one piece, so that {@code CairnNode} wires
 * them with three calls: construct, {@link #register} the routes, {@link #start}; and
 * {@link #close} on stop. Owns one scheduler thread for the contract ticks (every
 * {@code filterTick}) and a virtual-thread executor for offers, accepts and audits.
 */
public final class Contracts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Contracts.class);

    private final PubSubService pubsub;
    private final ContractBook book;
    private final ContractHolder holder;
    private final PubSubSettings settings;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;

    public Contracts(NodeConfig config, Path dataDir, Membership membership, Transport transport, BlockStore store,
                     BlockFetcher fetcher, Clock clock, RandomGenerator random) {
        this.settings = config.pubsub();
        this.pubsub = new PubSubService(membership, transport, settings, clock, random);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cairn-contracts-", 0).factory());
        this.book = new ContractBook(pubsub, membership, transport, fetcher, settings, clock, random, executor);
        this.holder = new ContractHolder(pubsub, membership, transport, store, fetcher, settings, clock,
                new UptimeMeter(dataDir, clock, settings.availabilityWindow()), executor,
                config.roles().contains(NodeInfo.ROLE_STORAGE));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("cairn-contracts-" + membership.selfId().shortHex()).daemon(true).factory());
    }

    public Router register(Router router) {
        PubSubRoutes.register(router, pubsub);
        return ContractRoutes.register(router, book, holder);
    }

    public void start() {
        holder.tick(); // subscribe before the first filter is built
        pubsub.start();
        scheduler.scheduleWithFixedDelay(this::tickSafely, settings.filterTick().toNanos(),
                settings.filterTick().toNanos(), TimeUnit.NANOSECONDS);
        log.info("pub/sub: {} closest + {} random neighbours, filter {} bits x {} hashes, tick {}, refresh {}, ttl {}; "
                        + "contracts: up to {} days, {} Mbps, availability {}, audit every {}",
                settings.closestNeighbours(), settings.randomNeighbours(), settings.filterBits(), settings.filterHashes(),
                settings.filterTick(), settings.filterRefresh(), settings.ttl(), settings.maxContractDays(),
                settings.speedMbps(), settings.availabilityPct() < 0 ? "measured" : settings.availabilityPct() + " %",
                settings.auditInterval());
    }

    private void tickSafely() {
        try {
            holder.tick();
            book.tick();
        } catch (RuntimeException e) {
            log.warn("contracts tick failed", e);
        }
    }

    public PubSubService pubsub() {
        return pubsub;
    }

    public Capability capability() {
        return holder.capability();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        pubsub.close();
        executor.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
