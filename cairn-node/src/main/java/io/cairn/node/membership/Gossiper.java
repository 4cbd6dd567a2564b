package io.cairn.node.membership;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gossip rounds: the I/O around {@link Membership}. Every {@code interval} it beats,
 * sweeps, and sends its view to the targets the membership picks, merging what they answer.
 *
 * <p>Limits: at most {@link #MAX_IN_FLIGHT} exchanges outstanding (a round is skipped while a
 * slow peer holds them), each bounded by a timeout of four intervals (at least one second).
 * Randomness comes in through the constructor, so a test can replay the peer choices.
 */
public final class Gossiper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gossiper.class);
    public static final String PATH = "/internal/gossip";
    static final int MAX_IN_FLIGHT = 4;

    /** What this node reports of itself each round. */
    public record SelfReport(long freeBytes, long capacityBytes, double load) {}

    private final Membership membership;
    private final Transport transport;
    private final List<URI> join;
    private final Duration interval;
    private final Duration timeout;
    private final RandomGenerator random;
    private final Supplier<SelfReport> selfReport;
    private final ConflictLog conflicts;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<String> refusedBecause = new AtomicReference<>();
    private final ScheduledExecutorService scheduler;

    public Gossiper(Membership membership, Transport transport, List<URI> join, Duration interval,
                    RandomGenerator random, Supplier<SelfReport> selfReport) {
        this.membership = membership;
        this.transport = transport;
        this.join = List.copyOf(join);
        this.interval = interval;
        this.timeout = Duration.ofMillis(Math.max(1000, interval.toMillis() * 4));
        this.random = random;
        this.selfReport = selfReport;
        this.conflicts = new ConflictLog();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("cairn-gossip-" + membership.selfId().shortHex()).daemon(true).factory());
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::roundSafely, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Set when a peer refused this node for a duplicate ID; null otherwise. */
    public String refusedBecause() {
        return refusedBecause.get();
    }

    ConflictLog conflictLog() {
        return conflicts;
    }

    private void roundSafely() {
        try {
            round();
        } catch (RuntimeException e) {
            log.warn("gossip round failed", e);
        }
    }

    /** One round: beat, sweep, send. */
    void round() {
        SelfReport report = selfReport.get();
        membership.beat(report.freeBytes(), report.capacityBytes(), report.load());
        membership.sweep();
        for (URI target : membership.gossipTargets(random, join)) {
            if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
                inFlight.decrementAndGet();
                return;
            }
            send(target).whenComplete((ok, failure) -> inFlight.decrementAndGet());
        }
    }

    private java.util.concurrent.CompletableFuture<Void> send(URI target) {
        byte[] body = GossipCodec.encodeRequest(membership.selfId(), membership.view());
        HttpCall call = new HttpCall("POST", target.resolve(PATH), Map.of("Content-Type", "application/json"),
                ByteBuffer.wrap(body), timeout, true);
        return transport.exchange(call).thenAccept(reply -> onReply(target, reply)).exceptionally(failure -> {
            // A peer that cannot be reached is what the failure detector is for; nothing to log.
            log.debug("gossip with {} failed: {}", target, failure.getMessage());
            return null;
        });
    }

    private void onReply(URI target, HttpReply reply) {
        if (reply.status() == 200) {
            Membership.MergeResult result = membership.merge(GossipCodec.decodeResponse(reply.body()));
            result.conflicts().forEach(c -> conflicts.report(c, "learned from " + target));
            refusedBecause.set(null);
        } else if (reply.status() == ErrorCode.CONFLICT.httpStatus()) {
            String why = target + " refused this node: " + new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8);
            if (!why.equals(refusedBecause.getAndSet(why))) {
                log.error("{}", why);
            }
        } else if (reply.status() == ErrorCode.UNAUTHORIZED.httpStatus()) {
            String why = target + " refused this node's cluster key (401)";
            if (!why.equals(refusedBecause.getAndSet(why))) {
                log.error("{}", why);
            }
        } else {
            throw new CairnException(ErrorCode.ofStatus(reply.status()), "gossip with " + target + ": HTTP " + reply.status());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("gossip did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
