package io.cairn.node.metrics;

import io.cairn.core.Clock;
import io.cairn.store.BlockStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's counters: Micrometer meters for {@code GET /metrics} (Prometheus text, names
 * prefixed {@code cairn_}) and sliding windows for {@code GET /load}. The request path costs a
 * map lookup for the (route, method, status) timer and a few adder increments; no locks.
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>Prometheus name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cairn_http_requests_seconds_{bucket,count,sum,max}</td><td>timer, {@link #LATENCY_BUCKETS}</td><td>route, method, status</td></tr>
 *   <tr><td>cairn_http_received_bytes_total</td><td>counter</td><td></td></tr>
 *   <tr><td>cairn_http_sent_bytes_total</td><td>counter</td><td></td></tr>
 *   <tr><td>cairn_http_inflight</td><td>gauge</td><td></td></tr>
 *   <tr><td>cairn_blocks_stored</td><td>gauge</td><td></td></tr>
 *   <tr><td>cairn_stored_bytes / cairn_capacity_bytes / cairn_free_bytes</td><td>gauge</td><td></td></tr>
 *   <tr><td>cairn_cluster_nodes</td><td>gauge</td><td>status</td></tr>
 * </table>
 * Every meter of the node, these and the others, is listed in docs/OPERATIONS.md.
 */
public final class NodeMetrics {
    /** /load's window. */
    public static final int LOAD_WINDOW_SECONDS = 10;
    /**
     * Latency histogram bounds (issue #9): a fixed dozen, so each (route, method, status) costs
     * 12 buckets, from a cached GET's sub-millisecond to a slow file download.
     */
    public static final java.time.Duration[] LATENCY_BUCKETS = java.util.stream.LongStream
            .of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000)
            .mapToObj(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final AtomicInteger inflight = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder requestsTotal = new java.util.concurrent.atomic.LongAdder();
    private final Counter bytesInTotal;
    private final Counter bytesOutTotal;
    private final RateWindow requests;
    private final RateWindow bytesIn;
    private final RateWindow bytesOut;

    private record TimerKey(String route, String method, int status) {}

    /** What {@code GET /load} reports. */
    public record Load(int inflight, double requestsPerSecond, double bytesInPerSecond, double bytesOutPerSecond) {}

    public NodeMetrics(Clock clock) {
        this.requests = new RateWindow(LOAD_WINDOW_SECONDS, clock::nanoTime);
        this.bytesIn = new RateWindow(LOAD_WINDOW_SECONDS, clock::nanoTime);
        this.bytesOut = new RateWindow(LOAD_WINDOW_SECONDS, clock::nanoTime);
        this.bytesInTotal = Counter.builder("cairn.http.received.bytes").register(registry);
        this.bytesOutTotal = Counter.builder("cairn.http.sent.bytes").register(registry);
        Gauge.builder("cairn.http.inflight", inflight, AtomicInteger::get).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Gauges over the store, read at each scrape. */
    public void bindStore(BlockStore store) {
        Gauge.builder("cairn.blocks.stored", store, s -> s.blockCount()).register(registry);
        Gauge.builder("cairn.stored.bytes", store, s -> s.space().usedBytes()).register(registry);
        Gauge.builder("cairn.capacity.bytes", store, s -> s.space().capacityBytes()).register(registry);
        Gauge.builder("cairn.free.bytes", store, s -> s.space().freeBytes()).register(registry);
    }

    public void requestStarted() {
        inflight.incrementAndGet();
    }

    public void requestEnded(String route, String method, int status, long nanos, long in, long out) {
        inflight.decrementAndGet();
        timers.computeIfAbsent(new TimerKey(route, method, status), k -> Timer.builder("cairn.http.requests")
                        .tag("route", k.route).tag("method", k.method).tag("status", Integer.toString(k.status))
                        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        requests.add(1);
        requestsTotal.increment();
        if (in > 0) {
            bytesIn.add(in);
            bytesInTotal.increment(in);
        }
        if (out > 0) {
            bytesOut.add(out);
            bytesOutTotal.increment(out);
        }
    }

    /** Requests ended since start (for the dashboard's throughput history). */
    public long requestsTotal() {
        return requestsTotal.sum();
    }

    public long bytesInTotal() {
        return (long) bytesInTotal.count();
    }

    public long bytesOutTotal() {
        return (long) bytesOutTotal.count();
    }

    public int inflight() {
        return inflight.get();
    }

    public Load load() {
        return new Load(inflight.get(), requests.perSecond(), bytesIn.perSecond(), bytesOut.perSecond());
    }

    public String scrape() {
        return registry.scrape();
    }
}
