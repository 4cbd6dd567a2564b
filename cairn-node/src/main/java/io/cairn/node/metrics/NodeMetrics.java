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
 *   <tr><td>cairn_http_requests_seconds_{count,sum,max}</td><td>timer</td><td>route, method, status</td></tr>
 *   <tr><td>cairn_http_received_bytes_total</td><td>counter</td><td></td></tr>
 *   <tr><td>cairn_http_sent_bytes_total</td><td>counter</td><td></td></tr>
 *   <tr><td>cairn_http_inflight</td><td>gauge</td><td></td></tr>
 *   <tr><td>cairn_blocks_stored</td><td>gauge</td><td></td></tr>
 *   <tr><td>cairn_stored_bytes / cairn_capacity_bytes / cairn_free_bytes</td><td>gauge</td><td></td></tr>
 *   <tr><td>cairn_cluster_nodes</td><td>gauge</td><td>status</td></tr>
 * </table>
 */
public final class NodeMetrics {
    /** /load's window. */
    public static final int LOAD_WINDOW_SECONDS = 10;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final AtomicInteger inflight = new AtomicInteger();
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
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        requests.add(1);
        if (in > 0) {
            bytesIn.add(in);
            bytesInTotal.increment(in);
        }
        if (out > 0) {
            bytesOut.add(out);
            bytesOutTotal.increment(out);
        }
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
