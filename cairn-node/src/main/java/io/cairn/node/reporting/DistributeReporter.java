package io.cairn.node.reporting;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import io.cairn.node.DistributeConfig;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage side of distribute-v1 (SPEC §3.2, issue #3): tells the distribute service what this
 * node holds.
 *
 * <ol>
 *   <li><b>Find</b> the service: the configured {@code distributeUrl}, else the alive node with the
 *       role {@code distribute} in the gossip view (the smallest ID if several).</li>
 *   <li><b>Register</b> ({@code PUT /register/:id} with {@code {"url"}}) and send the whole
 *       inventory in batches of at most {@value HasBatch#MAX} addresses, the last one marked
 *       {@code "complete":true}.</li>
 *   <li><b>Report changes</b> as the store's listeners announce them: added blocks in
 *       {@code "addresses"}, deleted and quarantined ones in {@code "removed"}, expired ones in
 *       {@code "expired"}, batched every {@link #TICK}. Changes queued during the inventory walk
 *       are sent after it, so for every address the last word the service hears is the truth.</li>
 *   <li><b>Notice a restart</b>: with nothing to report for a health interval, it pings
 *       ({@code GET /id} and an empty {@code PUT /has}); a changed service ID, a different
 *       service in gossip, or a 404 (the service forgot this node) means register again.</li>
 * </ol>
 * Bounds: at most {@link #MAX_PENDING} changes wait; beyond that the queue is dropped and the node
 * registers again (the inventory says everything). A failed request is retried with back-off
 * ({@link #MIN_BACKOFF} doubling to {@link #MAX_BACKOFF}); a batch is never dropped on a
 * transport failure, only when the service answers 404 (it is re-sent by the next inventory).
 */
public final class DistributeReporter implements BlockStore.BlockListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DistributeReporter.class);
    static final int MAX_PENDING = 1_000_000;
    static final Duration TICK = Duration.ofMillis(50);
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** A report or registration that takes longer is retried (a batch is about 670 KB). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** {@code GET /id} of the service, before registering and when pinging. */
    static final Duration ID_TIMEOUT = Duration.ofSeconds(2);

    private final NodeId self;
    private final URI selfUrl;
    private final BlockStore store;
    private final Transport transport;
    private final Supplier<List<NodeInfo>> gossipView;
    private final DistributeConfig config;
    private final ConcurrentLinkedQueue<HasBatch.Delta> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean overflowed;
    private volatile boolean registered;
    private volatile URI service;
    private String serviceId;
    private HasBatch unsent;
    private long lastSentNanos;
    private long backoffNanos = MIN_BACKOFF.toNanos();
    private final AtomicInteger registrations = new AtomicInteger();

    public DistributeReporter(NodeId self, URI selfUrl, BlockStore store, Transport transport,
                              Supplier<List<NodeInfo>> gossipView, DistributeConfig config) {
        this.self = self;
        this.selfUrl = config.registerUrl() != null ? config.registerUrl() : selfUrl;
        this.store = store;
        this.transport = transport;
        this.gossipView = gossipView;
        this.config = config;
        this.thread = Thread.ofPlatform().daemon().name("cairn-distribute-reporter").unstarted(this::loop);
    }

    public DistributeReporter start() {
        store.addListener(this);
        thread.start();
        return this;
    }

    /** True once registered and the inventory was sent completely (for tests and status). */
    public boolean registered() {
        return registered;
    }

    public int registrations() {
        return registrations.get();
    }

    @Override
    public void added(Address address) {
        enqueue(new HasBatch.Delta(address, HasBatch.Kind.ADDED));
    }

    @Override
    public void removed(Address address, BlockStore.RemovalReason reason) {
        enqueue(new HasBatch.Delta(address, reason == BlockStore.RemovalReason.EXPIRED
                ? HasBatch.Kind.EXPIRED : HasBatch.Kind.REMOVED));
    }

    private void enqueue(HasBatch.Delta d) {
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            overflowed = true; // the next registration's inventory covers it
            return;
        }
        pending.add(d);
    }

    private void loop() {
        while (running) {
            try {
                if (step()) {
                    backoffNanos = MIN_BACKOFF.toNanos();
                } else {
                    LockSupport.parkNanos(backoffNanos);
                    backoffNanos = Math.min(MAX_BACKOFF.toNanos(), backoffNanos * 2);
                }
            } catch (RuntimeException e) {
                log.warn("reporting to the distribute service: {}", e.toString());
                LockSupport.parkNanos(backoffNanos);
                backoffNanos = Math.min(MAX_BACKOFF.toNanos(), backoffNanos * 2);
            }
        }
    }

    /** One round; false when it should back off. */
    private boolean step() {
        URI found = findService();
        if (found == null) {
            LockSupport.parkNanos(config.healthInterval().toNanos());
            return true;
        }
        if (!found.equals(service)) {
            service = found;
            registered = false;
        }
        if (overflowed) {
            overflowed = false;
            pending.clear();
            pendingCount.set(0);
            unsent = null;
            registered = false;
        }
        if (!registered) {
            return registerAndSendInventory();
        }
        if (unsent == null && !pending.isEmpty()) {
            unsent = drain();
        }
        if (unsent != null) {
            int status = send(unsent);
            if (status == 200) {
                unsent = null;
                return true;
            }
            if (status == 404) {
                unsent = null; // forgotten: the inventory of the next registration says it all
                registered = false;
                return true;
            }
            return false;
        }
        if (System.nanoTime() - lastSentNanos >= config.healthInterval().toNanos()) {
            return ping();
        }
        LockSupport.parkNanos(TICK.toNanos());
        return true;
    }

    private HasBatch drain() {
        HasBatch batch = new HasBatch();
        HasBatch.Delta d;
        while (!batch.full() && (d = pending.poll()) != null) {
            pendingCount.decrementAndGet();
            batch.add(d);
        }
        return batch;
    }

    private boolean ping() {
        String id = fetchServiceId();
        if (id == null) {
            return false;
        }
        if (!id.equals(serviceId)) {
            registered = false;
            return true;
        }
        int status = send(new HasBatch());
        if (status == 404) {
            registered = false;
            log.info("the distribute service at {} forgot this node; registering again", service);
        }
        return status == 200 || status == 404;
    }

    private boolean registerAndSendInventory() {
        String id = fetchServiceId();
        if (id == null) {
            return false;
        }
        byte[] body = ("{\"url\":\"" + selfUrl + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpReply reply = call("PUT", "/register/" + self.hex(), body);
        if (reply == null || reply.status() != 200) {
            return false;
        }
        serviceId = id;
        unsent = null;
        long[] sent = {0};
        HasBatch[] batch = {new HasBatch()};
        boolean[] failed = {false};
        store.forEachAddress(a -> {
            if (failed[0]) {
                return;
            }
            batch[0].added.add(a);
            if (batch[0].full()) {
                failed[0] = !sendWithRetries(batch[0]);
                sent[0] += batch[0].size();
                batch[0] = new HasBatch();
            }
        });
        if (failed[0]) {
            return false;
        }
        batch[0].complete = true;
        if (!sendWithRetries(batch[0])) {
            return false;
        }
        sent[0] += batch[0].size();
        registered = true;
        registrations.incrementAndGet();
        log.info("registered with the distribute service {} at {}; inventory of {} blocks sent", shortId(id), service, sent[0]);
        return true;
    }

    private boolean sendWithRetries(HasBatch batch) {
        long backoff = MIN_BACKOFF.toNanos();
        for (int attempt = 0; attempt < 5 && running; attempt++) {
            int status = send(batch);
            if (status == 200) {
                return true;
            }
            if (status == 404 || (status >= 400 && status < 500 && status != 429)) {
                return false;
            }
            LockSupport.parkNanos(backoff);
            backoff = Math.min(MAX_BACKOFF.toNanos(), backoff * 2);
        }
        return false;
    }

    /** The status of {@code PUT /has}, or -1 when the service could not be reached. */
    private int send(HasBatch batch) {
        HttpReply reply = call("PUT", "/has/" + self.hex(), batch.toJson());
        if (reply == null) {
            return -1;
        }
        if (reply.status() == 200) {
            lastSentNanos = System.nanoTime();
        } else if (reply.status() != 404) {
            log.warn("the distribute service answered {} to a report: {}", reply.status(),
                    new String(reply.body(), StandardCharsets.UTF_8));
        }
        return reply.status();
    }

    private String fetchServiceId() {
        HttpReply reply = call("GET", "/id", null, ID_TIMEOUT);
        if (reply == null || reply.status() != 200) {
            return null;
        }
        return new String(reply.body(), StandardCharsets.US_ASCII).strip();
    }

    private HttpReply call(String method, String path, byte[] body) {
        return call(method, path, body, CALL_TIMEOUT);
    }

    private HttpReply call(String method, String path, byte[] body, Duration timeout) {
        URI target = service;
        if (target == null) {
            return null;
        }
        HttpCall call = new HttpCall(method, target.resolve(path),
                body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : ByteBuffer.wrap(body), timeout, true);
        try {
            return transport.exchange(call).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return null;
        } catch (Exception e) {
            log.debug("distribute service {} unreachable: {}", target, e.toString());
            return null;
        }
    }

    private URI findService() {
        if (config.distributeUrl() != null) {
            return config.distributeUrl();
        }
        List<NodeInfo> candidates = new ArrayList<>();
        for (NodeInfo n : gossipView.get()) {
            if (n.status() == NodeStatus.ALIVE && n.roles().contains(NodeInfo.ROLE_DISTRIBUTE)) {
                candidates.add(n);
            }
        }
        return candidates.stream().min(Comparator.comparing(NodeInfo::id)).map(NodeInfo::url).orElse(null);
    }

    private static String shortId(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
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

}
