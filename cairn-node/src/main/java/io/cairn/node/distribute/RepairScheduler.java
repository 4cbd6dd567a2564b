package io.cairn.node.distribute;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.repair.RepairPlanner;
import io.cairn.core.repair.RepairPlanner.CopyOrder;
import io.cairn.core.repair.RepairPlanner.Plan;
import io.cairn.core.repair.RepairPlanner.TrimOrder;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Executes {@link RepairPlanner} plans for the distribute service (issue #3).
 *
 * <p>Loop, on one platform thread: when the repair queue is empty, nothing is in flight, the
 * picture is whole ({@link DistributeService#repairBlockedBecause()}) and something changed (or
 * {@link #PERIODIC_PASS} passed), one <b>pass</b> walks the holdings table and plans every
 * block; copies are queued least-replicated first (at most {@link #MAX_QUEUED_COPIES}, the
 * least-replicated kept), then trims. Orders are then executed one by one, each re-checked
 * against the current picture first (nodes come and go mid-plan); when a node's standing changes
 * (the service's epoch rises) the rest of the queue is dropped and planned again.
 *
 * <p>A copy is {@code POST /internal/pull {"address","from"}} on the target: the target fetches
 * from the healthy holder, verifies the address, stores durably and answers with the size; the
 * service records the new holder at once (the target's own {@code /has} report follows). At most
 * {@link #MAX_COPIES_IN_FLIGHT} copies run at once, paced by the {@link ByteRateLimiter}.
 *
 * <p>Trims: a holder outside the top N is deleted ({@code DELETE /internal/blocks}) only when all
 * N targets hold the block and it has been over-replicated for the whole trim grace, measured
 * from the first pass that saw it so.
 */
final class RepairScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RepairScheduler.class);
    static final int MAX_COPIES_IN_FLIGHT = 64;
    static final int MAX_QUEUED_COPIES = 200_000;
    static final int MAX_QUEUED_TRIMS = 100_000;
    static final int MAX_TRIM_TRACKED = 1 << 20;
    static final Duration PERIODIC_PASS = Duration.ofSeconds(30);
    static final Duration MIN_PASS_GAP = Duration.ofMillis(200);
    /**
     * After {@code /has} reports (and nothing else) changed, wait this long before planning: a
     * fresh write reaches its replicas, and their reports the service, within a few reporter
     * ticks, and copying a block whose other replicas have not reported yet only wastes a pull.
     */
    static final Duration REPORT_SETTLE = Duration.ofSeconds(1);
    static final Duration IDLE_TICK = Duration.ofMillis(50);
    static final Duration PULL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DELETE_TIMEOUT = Duration.ofSeconds(10);
    /** What a copy is assumed to weigh before its size is known: one chunk. */
    static final long COPY_ESTIMATE_BYTES = 64 * 1024;
    /** Healthy-copy buckets for least-replicated-first order; more copies share the last. */
    private static final int BUCKETS = 17;

    private record Order(CopyOrder copy, TrimOrder trim) {}

    /** What the last pass found, for {@code /distribute/status}. */
    record PassStats(long blocks, long underReplicated, long misplaced, long overReplicated, long unavailable,
                     long copiesPlanned, long trimsPlanned, long durationMillis, long atEpochMillis,
                     long[] healthyCopies) {
        static final PassStats NONE = new PassStats(0, 0, 0, 0, 0, 0, 0, 0, 0, new long[0]);
    }

    private final DistributeService service;
    private final ByteRateLimiter limiter;
    private final Semaphore inFlight = new Semaphore(MAX_COPIES_IN_FLIGHT);
    private final ArrayDeque<Order> queue = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean dirty = true;
    private final AtomicLong reportedAtNanos = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean running = true;
    private volatile String blockedBecause = "not started";
    private volatile PassStats last = PassStats.NONE;
    private volatile int queued;
    private Map<Address, Long> overSinceNanos = new HashMap<>();
    private long queueEpoch;
    private long lastPassNanos;
    /** When a block waiting out its trim grace becomes trimmable: a pass is due then. */
    private long graceDueNanos = Long.MAX_VALUE;
    final AtomicLong copiesDone = new AtomicLong();
    final AtomicLong copyBytes = new AtomicLong();
    final AtomicLong copyFailures = new AtomicLong();
    final AtomicLong trimsDone = new AtomicLong();

    RepairScheduler(DistributeService service) {
        this.service = service;
        this.limiter = new ByteRateLimiter(service.config.repairRateBytesPerSecond(), service.clock.nanoTime());
        this.thread = Thread.ofPlatform().daemon().name("cairn-distribute-repair").unstarted(this::loop);
        this.lastPassNanos = service.clock.nanoTime() - PERIODIC_PASS.toNanos();
    }

    void start() {
        thread.start();
    }

    /** Node standing changed: plan again as soon as possible. */
    void markDirty() {
        dirty = true;
    }

    /** Holdings changed by reports: plan again once they have settled. */
    void markReported() {
        reportedAtNanos.set(service.clock.nanoTime());
    }

    String blockedBecause() {
        return blockedBecause;
    }

    PassStats lastPass() {
        return last;
    }

    int queued() {
        return queued;
    }

    int inFlight() {
        return MAX_COPIES_IN_FLIGHT - inFlight.availablePermits();
    }

    long rateBytesPerSecond() {
        return limiter.bytesPerSecond();
    }

    private void loop() {
        while (running) {
            try {
                step();
            } catch (RuntimeException e) {
                log.warn("repair step failed: {}", e.toString());
                park(Duration.ofSeconds(1));
            }
        }
    }

    private void step() {
        String blocked = service.repairBlockedBecause();
        blockedBecause = blocked;
        long epoch = service.epoch.get();
        if (blocked != null || epoch != queueEpoch) {
            dropQueue();
        }
        if (blocked != null) {
            park(IDLE_TICK);
            return;
        }
        Order next = queue.pollFirst();
        if (next == null) {
            long now = service.clock.nanoTime();
            long reported = reportedAtNanos.get();
            boolean settled = reported != Long.MAX_VALUE && now - reported >= REPORT_SETTLE.toNanos();
            boolean due = dirty || settled || now - lastPassNanos >= PERIODIC_PASS.toNanos() || now >= graceDueNanos;
            if (due && inFlight() == 0 && now - lastPassNanos >= MIN_PASS_GAP.toNanos()) {
                dirty = false;
                if (settled) {
                    reportedAtNanos.compareAndSet(reported, Long.MAX_VALUE); // a newer report keeps its turn
                }
                queueEpoch = epoch;
                pass();
                lastPassNanos = service.clock.nanoTime();
            } else {
                park(IDLE_TICK);
            }
            return;
        }
        queued = queue.size();
        if (next.copy() != null) {
            startCopy(next.copy());
        } else {
            trim(next.trim());
        }
    }

    private void dropQueue() {
        queue.clear();
        queued = 0;
    }

    /** Plans every block against the current picture and fills the queue. */
    private void pass() {
        long t0 = service.clock.nanoTime();
        Picture picture = Picture.take(service);
        List<List<CopyOrder>> buckets = new ArrayList<>(BUCKETS);
        for (int i = 0; i < BUCKETS; i++) {
            buckets.add(new ArrayList<>());
        }
        List<TrimOrder> trims = new ArrayList<>();
        Map<Address, Long> overSince = new HashMap<>();
        long graceNanos = service.config.trimGrace().toNanos();
        long[] counts = new long[6]; // blocks, under, misplaced, over, unavailable, copies
        long[] graceDue = {Long.MAX_VALUE};
        int[] totalCopies = {0};
        int placeable = picture.healthy.size() + picture.suspect.size();
        int want = Math.min(service.replication, placeable);
        // Issue #9: blocks by copies on healthy (alive) nodes, 0..N; index N counts N or more.
        long[] healthyCopies = new long[service.replication + 1];
        service.table.forEach((address, holders, count) -> {
            counts[0]++;
            if (service.recentlyExpired(address, t0)) {
                return;
            }
            List<NodeId> holderIds = new ArrayList<>(count);
            int counted = 0;
            int healthyHolders = 0;
            for (int i = 0; i < count; i++) {
                NodeId id = picture.idOf(holders[i]);
                if (id != null) {
                    holderIds.add(id);
                    if (picture.healthy.contains(id) || picture.suspect.contains(id)) {
                        counted++;
                    }
                    if (picture.healthy.contains(id)) {
                        healthyHolders++;
                    }
                }
            }
            healthyCopies[Math.min(healthyHolders, service.replication)]++;
            Plan plan = RepairPlanner.planBlock(address, holderIds, picture.healthy, picture.suspect,
                    service.replication, true);
            if (!plan.unavailable().isEmpty()) {
                counts[4]++;
                return;
            }
            if (counted < want) {
                counts[1]++;
            } else if (!plan.copies().isEmpty()) {
                counts[2]++;
            }
            for (CopyOrder c : plan.copies()) {
                counts[5]++;
                int bucket = Math.min(BUCKETS - 1, c.healthyCopies());
                if (totalCopies[0] < MAX_QUEUED_COPIES) {
                    buckets.get(bucket).add(c);
                    totalCopies[0]++;
                } else {
                    evictWorse(buckets, bucket, c);
                }
            }
            if (!plan.trims().isEmpty()) {
                counts[3]++;
                if (overSince.size() < MAX_TRIM_TRACKED) {
                    long since = overSinceNanos.getOrDefault(address, t0);
                    overSince.put(address, since);
                    if (t0 - since >= graceNanos && trims.size() < MAX_QUEUED_TRIMS) {
                        trims.addAll(plan.trims());
                    } else {
                        graceDue[0] = Math.min(graceDue[0], since + graceNanos);
                    }
                }
            }
        });
        overSinceNanos = overSince;
        graceDueNanos = graceDue[0];
        for (List<CopyOrder> bucket : buckets) {
            for (CopyOrder c : bucket) {
                queue.addLast(new Order(c, null));
            }
        }
        for (TrimOrder t : trims) {
            queue.addLast(new Order(null, t));
        }
        queued = queue.size();
        long ms = (service.clock.nanoTime() - t0) / 1_000_000;
        last = new PassStats(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], trims.size(), ms,
                service.clock.now().toEpochMilli(), healthyCopies);
        if (!queue.isEmpty()) {
            log.info("repair pass: {} blocks, {} under-replicated, {} unavailable, {} copies and {} trims queued ({} ms)",
                    counts[0], counts[1], counts[4], queue.size() - trims.size(), trims.size(), ms);
        }
    }

    /** The queue is full: keep {@code c} only if it is more urgent than something queued. */
    private static void evictWorse(List<List<CopyOrder>> buckets, int bucket, CopyOrder c) {
        for (int b = BUCKETS - 1; b > bucket; b--) {
            List<CopyOrder> worse = buckets.get(b);
            if (!worse.isEmpty()) {
                worse.removeLast();
                buckets.get(bucket).add(c);
                return;
            }
        }
    }

    private void startCopy(CopyOrder copy) {
        StorageNode target = service.node(copy.target());
        if (target == null || !target.healthy() || holds(copy.address(), target)) {
            return; // the picture moved since the plan
        }
        long wait = limiter.reserve(COPY_ESTIMATE_BYTES, service.clock.nanoTime());
        if (wait > 0) {
            park(Duration.ofNanos(wait));
        }
        inFlight.acquireUninterruptibly();
        Thread.ofVirtual().name("cairn-repair-copy").start(() -> {
            try {
                copy(copy, target);
            } finally {
                inFlight.release();
            }
        });
    }

    private boolean holds(Address address, StorageNode node) {
        for (int h : service.table.holders(address)) {
            if (h == node.index) {
                return true;
            }
        }
        return false;
    }

    private void copy(CopyOrder copy, StorageNode target) {
        for (NodeId sourceId : copy.sources()) {
            StorageNode source = service.node(sourceId);
            if (source == null || !source.healthy()) {
                continue;
            }
            var body = Json.MAPPER.createObjectNode();
            body.put("address", copy.address().hex());
            body.put("from", source.url().toString());
            HttpCall call = new HttpCall("POST", target.url().resolve("/internal/pull"),
                    Map.of("Content-Type", "application/json"), ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)),
                    PULL_TIMEOUT, true);
            HttpReply reply;
            try {
                reply = service.transport.exchange(call).get(PULL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                copyFailures.incrementAndGet();
                limiter.reserve(-COPY_ESTIMATE_BYTES, service.clock.nanoTime());
                return; // the target is unreachable: health checks will judge it
            }
            switch (reply.status()) {
                case 200, 201 -> {
                    long size = reply.status() == 201 ? sizeOf(reply) : 0;
                    synchronized (target) {
                        if (target.registered() && service.table.add(copy.address(), target.index)) {
                            target.holdings.incrementAndGet();
                        }
                    }
                    limiter.reserve(size - COPY_ESTIMATE_BYTES, service.clock.nanoTime());
                    if (reply.status() == 201) {
                        copiesDone.incrementAndGet();
                        copyBytes.addAndGet(size);
                    }
                    return;
                }
                case 404 -> {
                    // The source does not have it after all (its removal report may be on its way).
                    synchronized (source) {
                        if (service.table.remove(copy.address(), source.index)) {
                            source.holdings.decrementAndGet();
                        }
                    }
                }
                case 422, 503 -> {
                    // a bad or unreachable source: try the next one
                }
                default -> {
                    copyFailures.incrementAndGet();
                    limiter.reserve(-COPY_ESTIMATE_BYTES, service.clock.nanoTime());
                    log.debug("copy of {} to {} failed: {}", copy.address(), target.id.shortHex(), reply.status());
                    return;
                }
            }
        }
        copyFailures.incrementAndGet();
        limiter.reserve(-COPY_ESTIMATE_BYTES, service.clock.nanoTime());
    }

    private static long sizeOf(HttpReply reply) {
        try {
            JsonNode node = Json.MAPPER.readTree(reply.body());
            JsonNode size = node.get("size");
            return size != null && size.canConvertToLong() ? Math.max(0, size.longValue()) : COPY_ESTIMATE_BYTES;
        } catch (RuntimeException e) {
            return COPY_ESTIMATE_BYTES;
        }
    }

    private void trim(TrimOrder trim) {
        // Re-check against the current picture: still N good copies, holder still outside the top N.
        Picture picture = Picture.take(service);
        List<NodeId> holderIds = new ArrayList<>();
        for (int h : service.table.holders(trim.address())) {
            NodeId id = picture.idOf(h);
            if (id != null) {
                holderIds.add(id);
            }
        }
        Plan now = RepairPlanner.planBlock(trim.address(), holderIds, picture.healthy, picture.suspect,
                service.replication, true);
        StorageNode holder = service.node(trim.holder());
        if (!now.trims().contains(trim) || holder == null) {
            return;
        }
        HttpCall call = new HttpCall("DELETE", holder.url().resolve("/internal/blocks/" + trim.address().hex()),
                Map.of(), null, DELETE_TIMEOUT, true);
        try {
            HttpReply reply = service.transport.exchange(call).get(DELETE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (reply.status() == 204 || reply.status() == 404) {
                synchronized (holder) {
                    if (service.table.remove(trim.address(), holder.index)) {
                        holder.holdings.decrementAndGet();
                    }
                }
                trimsDone.incrementAndGet();
            }
        } catch (Exception e) {
            log.debug("trim of {} on {} failed: {}", trim.address(), holder.id.shortHex(), e.toString());
        }
    }

    private static void park(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Who is healthy and who is suspect right now, and holder index → ID. */
    static final class Picture {
        final Set<NodeId> healthy = new HashSet<>();
        final Set<NodeId> suspect = new HashSet<>();
        private final NodeId[] ids;

        private Picture(int size) {
            ids = new NodeId[size];
        }

        static Picture take(DistributeService service) {
            List<StorageNode> nodes = service.nodes();
            int max = 0;
            for (StorageNode n : nodes) {
                max = Math.max(max, n.index + 1);
            }
            Picture p = new Picture(max);
            for (StorageNode n : nodes) {
                p.ids[n.index] = n.id;
                if (n.healthy()) {
                    p.healthy.add(n.id);
                } else if (n.suspect()) {
                    p.suspect.add(n.id);
                }
            }
            return p;
        }

        NodeId idOf(int index) {
            return index < ids.length ? ids[index] : null;
        }
    }
}
