package io.cairn.node.distribute;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.repair.HoldingsTable;
import io.cairn.node.DistributeConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distribute role (SPEC §3.2, issue #3): knows which storage node holds which block, checks
 * every registered node's health, and has {@link RepairScheduler} copy blocks so that the N
 * XOR-closest healthy nodes hold each one.
 *
 * <p>State is soft and rebuilt from registrations and {@code /has} reports after a restart:
 * <ul>
 *   <li>{@code register} forgets what the node held and marks its inventory "receiving"; a
 *       {@code /has} with {@code "complete":true} marks it complete.</li>
 *   <li>Repair runs only while the picture is whole ({@link #repairBlockedBecause()}): the service
 *       has been up for a settle period, every registered node that is not dead has a complete
 *       inventory, and every storage node that gossip shows alive has registered (or has been
 *       given {@link #UNREGISTERED_WAIT_INTERVALS} health intervals to do so).</li>
 *   <li>A dead node that answers again is unregistered: its next report is refused with 404, so
 *       it registers and sends its whole inventory again before it counts as a holder.</li>
 * </ul>
 * Health: every {@code healthInterval} each registered node is asked {@code GET /id} (and must
 * answer with its own ID) within the interval (at least 1 s, at most 5 s); {@link NodeHealth}
 * turns answers into alive / suspect / dead.
 */
public final class DistributeService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DistributeService.class);
    /** Health intervals after start before any repair: time for storage nodes to re-register. */
    static final int SETTLE_INTERVALS = 3;
    /** How long an alive-by-gossip storage node that has not registered may hold repair back. */
    static final int UNREGISTERED_WAIT_INTERVALS = 20;
    /** Blocks reported expired are not repaired for this long: the other copies expire too. */
    static final Duration EXPIRED_HOLD = Duration.ofMinutes(5);
    static final int MAX_EXPIRED_TRACKED = 1 << 20;
    /**
     * A health check waits for its answer the health interval, but at least one second: a node
     * busy with fsyncs must not be judged dead for a slow answer; it is declared dead by failing
     * to answer at all. At most five seconds, so a round never drags on.
     */
    static final Duration MIN_HEALTH_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_HEALTH_TIMEOUT = Duration.ofSeconds(5);

    final NodeId serviceId;
    final Transport transport;
    final Clock clock;
    final DistributeConfig config;
    final int replication;
    final HoldingsTable table = new HoldingsTable();
    private final Supplier<List<NodeInfo>> gossipView;
    private final int defaultStoragePort;
    private final Map<NodeId, StorageNode> nodes = new ConcurrentHashMap<>();
    private final StorageNode[] byIndex = new StorageNode[HoldingsTable.MAX_HOLDER_INDEX + 1];
    private int nextIndex;
    /** Raised whenever a node's standing changes; a repair queue planned before is dropped. */
    final AtomicLong epoch = new AtomicLong();
    private final Map<NodeId, Long> unregisteredSinceNanos = new HashMap<>();
    private final LinkedHashMap<Address, Long> expiredAtNanos = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, Long> eldest) {
            return size() > MAX_EXPIRED_TRACKED;
        }
    };
    private final long startNanos;
    private final ScheduledExecutorService healthTimer;
    final RepairScheduler repair;

    public DistributeService(NodeId serviceId, Transport transport, Clock clock, DistributeConfig config,
                             int replication, Supplier<List<NodeInfo>> gossipView, int defaultStoragePort) {
        this.serviceId = serviceId;
        this.transport = transport;
        this.clock = clock;
        this.config = config;
        this.replication = replication;
        this.gossipView = gossipView;
        this.defaultStoragePort = defaultStoragePort;
        this.startNanos = clock.nanoTime();
        this.healthTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-distribute-health");
            t.setDaemon(true);
            return t;
        });
        this.repair = new RepairScheduler(this);
    }

    public DistributeService start() {
        long every = config.healthInterval().toMillis();
        healthTimer.scheduleWithFixedDelay(this::healthRound, every, every, TimeUnit.MILLISECONDS);
        repair.start();
        log.info("distribute service {} up: N={}, health every {} ({} failures = dead), repair rate {}, trim grace {}",
                serviceId.shortHex(), replication, config.healthInterval(), config.healthFailures(),
                config.repairRateBytesPerSecond() == 0 ? "unlimited" : config.repairRateBytesPerSecond() + " B/s",
                config.trimGrace());
        return this;
    }

    public int defaultStoragePort() {
        return defaultStoragePort;
    }

    /** {@code PUT /register/:id}: (re)registers the node and forgets what it held. */
    public void register(NodeId id, URI url) {
        StorageNode node = nodes.computeIfAbsent(id, this::newNode);
        synchronized (node) {
            table.removeHolder(node.index);
            node.holdings.set(0);
            node.register(url);
        }
        synchronized (unregisteredSinceNanos) {
            unregisteredSinceNanos.remove(id);
        }
        epoch.incrementAndGet();
        log.info("storage node {} registered at {}", id.shortHex(), url);
    }

    private synchronized StorageNode newNode(NodeId id) {
        if (nextIndex > HoldingsTable.MAX_HOLDER_INDEX) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "this distribute service tracks its maximum of "
                    + (HoldingsTable.MAX_HOLDER_INDEX + 1) + " storage nodes");
        }
        StorageNode node = new StorageNode(id, nextIndex);
        byIndex[nextIndex++] = node;
        return node;
    }

    /** {@code PUT /has/:id}: applies a report; false when the node is not registered (404). */
    public boolean has(NodeId id, HasReport report) {
        StorageNode node = nodes.get(id);
        if (node == null || !node.registered()) {
            return false;
        }
        synchronized (node) {
            if (!node.registered()) {
                return false;
            }
            apply(node, report);
        }
        if (report.complete()) {
            epoch.incrementAndGet();
            log.info("storage node {} inventory complete: {} blocks", id.shortHex(), node.holdings.get());
        }
        if (report.total() > 0) {
            repair.markReported();
        }
        return true;
    }

    private void apply(StorageNode node, HasReport report) {
        int idx = node.index;
        long delta = 0;
        byte[] raw = report.added();
        for (int i = 0, n = report.addedCount(); i < n; i++) {
            if (table.add(raw, i * 32, idx)) {
                delta++;
            }
        }
        raw = report.removed();
        for (int i = 0, n = report.removedCount(); i < n; i++) {
            if (table.remove(raw, i * 32, idx)) {
                delta--;
            }
        }
        raw = report.expired();
        long now = clock.nanoTime();
        for (int i = 0, n = report.expiredCount(); i < n; i++) {
            if (table.remove(raw, i * 32, idx)) {
                delta--;
            }
            byte[] a = java.util.Arrays.copyOfRange(raw, i * 32, i * 32 + 32);
            synchronized (expiredAtNanos) {
                expiredAtNanos.put(Address.ofBytes(a), now);
            }
        }
        node.holdings.addAndGet(delta);
        if (report.complete()) {
            node.completeInventory();
        }
    }

    /** Whether repair should leave this block alone for now (its copies are expiring). */
    boolean recentlyExpired(Address address, long nowNanos) {
        synchronized (expiredAtNanos) {
            Long at = expiredAtNanos.get(address);
            if (at == null) {
                return false;
            }
            if (nowNanos - at > EXPIRED_HOLD.toNanos()) {
                expiredAtNanos.remove(address);
                return false;
            }
            return true;
        }
    }

    /** The node at a holder index, or null. */
    StorageNode node(int index) {
        return index >= 0 && index < byIndex.length ? byIndex[index] : null;
    }

    StorageNode node(NodeId id) {
        return nodes.get(id);
    }

    List<StorageNode> nodes() {
        List<StorageNode> out = new ArrayList<>(nodes.values());
        out.sort(java.util.Comparator.comparing(n -> n.id));
        return out;
    }

    /** One health round: asks every registered node {@code GET /id} at once, then judges. */
    void healthRound() {
        try {
            Duration timeout = clamp(config.healthInterval(), MIN_HEALTH_TIMEOUT, MAX_HEALTH_TIMEOUT);
            Map<StorageNode, CompletableFuture<Boolean>> asked = new LinkedHashMap<>();
            for (StorageNode node : nodes.values()) {
                if (!node.registered() || node.url() == null) {
                    continue;
                }
                HttpCall call = HttpCall.get(node.url().resolve("/id")).withTimeout(timeout);
                asked.put(node, transport.exchange(call)
                        .thenApply(r -> answersAs(r, node.id))
                        .exceptionally(e -> false));
            }
            long nowMillis = clock.now().toEpochMilli();
            for (Map.Entry<StorageNode, CompletableFuture<Boolean>> e : asked.entrySet()) {
                boolean ok;
                try {
                    ok = e.getValue().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
                } catch (Exception ex) {
                    ok = false;
                }
                judge(e.getKey(), ok, nowMillis);
            }
        } catch (RuntimeException e) {
            log.warn("health round failed: {}", e.toString());
        }
    }

    private static boolean answersAs(HttpReply reply, NodeId id) {
        return reply.status() == 200 && id.hex().equals(new String(reply.body(), StandardCharsets.US_ASCII).strip());
    }

    private void judge(StorageNode node, boolean ok, long nowMillis) {
        NodeHealth before;
        NodeHealth after;
        synchronized (node) {
            before = node.health();
            after = ok ? before.onSuccess() : before.onFailure(config.healthFailures());
            node.health(after, nowMillis);
        }
        if (before.state() != after.state()) {
            epoch.incrementAndGet();
            repair.markDirty();
            // The operator's line is the health.changed event (issue #9), logged with the node ID.
            log.debug("storage node {} is {} (was {})", node.id.shortHex(), after.state().wire(), before.state().wire());
        }
        if (after.returned()) {
            // Back from the dead: take its inventory again before it counts (SPEC §3.2). Its next
            // report gets 404, so it registers and sends everything.
            synchronized (node) {
                node.unregister();
                table.removeHolder(node.index);
                node.holdings.set(0);
            }
            epoch.incrementAndGet();
            log.info("storage node {} returned; its inventory will be taken again", node.id.shortHex());
        }
    }

    /** Null when repair may run, else why not (shown in the status). */
    String repairBlockedBecause() {
        long now = clock.nanoTime();
        if (now - startNanos < config.healthInterval().toNanos() * SETTLE_INTERVALS) {
            return "settling after start";
        }
        for (StorageNode node : nodes.values()) {
            if (node.registered() && !node.inventoryComplete() && node.health().state() != NodeHealth.State.DEAD) {
                return "waiting for the inventory of " + node.id.shortHex();
            }
        }
        List<NodeInfo> view;
        try {
            view = gossipView.get();
        } catch (RuntimeException e) {
            view = List.of();
        }
        long wait = config.healthInterval().toNanos() * UNREGISTERED_WAIT_INTERVALS;
        synchronized (unregisteredSinceNanos) {
            Map<NodeId, Long> still = new HashMap<>();
            String blocked = null;
            for (NodeInfo info : view) {
                if (!info.alive() || !info.stores()) {
                    continue;
                }
                StorageNode node = nodes.get(info.id());
                if (node != null && node.registered()) {
                    continue;
                }
                long since = unregisteredSinceNanos.getOrDefault(info.id(), now);
                still.put(info.id(), since);
                if (blocked == null && now - since < wait) {
                    blocked = "waiting for " + info.id().shortHex() + " (alive by gossip) to register";
                }
            }
            unregisteredSinceNanos.keySet().retainAll(still.keySet());
            unregisteredSinceNanos.putAll(still);
            return blocked;
        }
    }

    public StatusRoute.Status status() {
        return StatusRoute.Status.of(this);
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    @Override
    public void close() {
        healthTimer.shutdownNow();
        repair.close();
    }
}
