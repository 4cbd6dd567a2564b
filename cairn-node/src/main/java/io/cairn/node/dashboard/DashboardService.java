package io.cairn.node.dashboard;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Clock;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.node.distribute.DistributeService;
import io.cairn.node.events.Event;
import io.cairn.node.events.EventLog;
import io.cairn.node.metrics.NodeMetrics;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gathers what the dashboard shows (issue #9) into one JSON document, {@code GET /dashboard/state}:
 * the node list (gossip), this node's space and load, replication health and repair from the
 * distribute service, this node's throughput history and recent events.
 *
 * <p>The distribute service is this node when it plays the role; otherwise the alive node with
 * the role (smallest ID, as storage nodes choose), asked {@code GET /distribute/status} and
 * {@code GET /dashboard/events} with a {@link #REMOTE_TIMEOUT} and cached for {@link #CACHE_FOR},
 * so any number of open pages cost the service at most one pair of requests a second per node.
 * When it cannot be asked, the last answer is shown marked stale.
 *
 * <p>Nothing secret is in the document: no configuration, no keys, only what public routes
 * already show ({@code /nodes}, {@code /space}, {@code /load}, {@code /distribute/status}).
 */
public final class DashboardService implements AutoCloseable {
    static final Duration REMOTE_TIMEOUT = Duration.ofMillis(800);
    static final Duration CACHE_FOR = Duration.ofSeconds(1);
    static final int EVENTS_SHOWN = 60;

    private final NodeId self;
    private final URI url;
    private final int replication;
    private final Supplier<List<NodeInfo>> nodes;
    private final BlockStore store;
    private final NodeMetrics metrics;
    private final EventLog events;
    private final DistributeService distribute;
    private final Transport transport;
    private final Clock clock;
    private final ThroughputHistory history = new ThroughputHistory();
    private final ScheduledExecutorService sampler;

    private final Object remoteLock = new Object();
    private long remoteAtNanos = Long.MIN_VALUE;
    private Remote remote = new Remote(null, null, List.of(), "not asked yet", 0);

    /** What was last heard from a remote distribute service. */
    private record Remote(URI url, JsonNode status, List<JsonNode> events, String error, long atEpochMillis) {}

    public DashboardService(NodeId self, URI url, int replication, Supplier<List<NodeInfo>> nodes, BlockStore store,
                            NodeMetrics metrics, EventLog events, DistributeService distribute, Transport transport,
                            Clock clock) {
        this.self = self;
        this.url = url;
        this.replication = replication;
        this.nodes = nodes;
        this.store = store;
        this.metrics = metrics;
        this.events = events;
        this.distribute = distribute;
        this.transport = transport;
        this.clock = clock;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-dashboard-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    public DashboardService start() {
        sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
        return this;
    }

    private void sample() {
        history.sample(clock.now().getEpochSecond(), metrics.requestsTotal(), metrics.bytesInTotal(),
                metrics.bytesOutTotal());
    }

    /** This node's recent events, newest first (for {@code GET /dashboard/events}). */
    public List<Event> localEvents(int limit) {
        return events.recent(limit);
    }

    /** The whole dashboard document. */
    public ObjectNode state() {
        List<NodeInfo> view = nodes.get();
        JsonNode status;
        List<JsonNode> remoteEvents = List.of();
        ObjectNode dist = Json.MAPPER.createObjectNode();
        if (distribute != null) {
            status = Json.MAPPER.valueToTree(distribute.status());
            dist.put("url", url.toString());
            dist.put("reachable", true);
        } else {
            Remote r = remote(view);
            status = r.status;
            remoteEvents = r.events;
            dist.put("url", r.url == null ? null : r.url.toString());
            dist.put("reachable", r.error == null);
            dist.put("error", r.error);
            dist.put("asOfEpochMillis", r.atEpochMillis);
        }
        dist.set("status", status);

        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("generatedAtEpochMillis", clock.now().toEpochMilli());
        ObjectNode me = out.putObject("self");
        me.put("id", self.hex());
        me.put("url", url.toString());
        out.put("replication", replication);
        out.set("health", Health.judge(view, status, dist.get("reachable").booleanValue(), replication));
        out.set("nodes", nodeRows(view, status));
        BlockStore.SpaceReport space = store.space();
        out.set("space", Json.MAPPER.valueToTree(space));
        NodeMetrics.Load load = metrics.load();
        ObjectNode l = out.putObject("load");
        l.put("inflight", Math.max(0, load.inflight() - 1));
        l.put("requestsPerSecond", load.requestsPerSecond());
        l.put("bytesInPerSecond", load.bytesInPerSecond());
        l.put("bytesOutPerSecond", load.bytesOutPerSecond());
        out.set("distribute", dist);
        ArrayNode samples = out.putObject("throughput").put("intervalSeconds", 1).putArray("samples");
        for (ThroughputHistory.Sample s : history.samples()) {
            samples.addArray().add(s.epochSecond()).add(s.requests()).add(s.bytesIn()).add(s.bytesOut());
        }
        out.set("events", mergedEvents(remoteEvents));
        return out;
    }

    private ArrayNode nodeRows(List<NodeInfo> view, JsonNode status) {
        Map<String, JsonNode> byId = new HashMap<>();
        if (status != null && status.get("nodes") != null) {
            for (JsonNode n : status.get("nodes")) {
                byId.put(n.get("id").stringValue(), n);
            }
        }
        ArrayNode rows = Json.MAPPER.createArrayNode();
        for (NodeInfo n : view) {
            ObjectNode row = rows.addObject();
            row.put("id", n.id().hex());
            row.put("shortId", n.id().shortHex());
            row.put("url", n.url().toString());
            ArrayNode roles = row.putArray("roles");
            n.roles().stream().sorted().forEach(roles::add);
            row.put("status", n.status().wire());
            row.put("self", n.id().equals(self));
            row.put("capacityBytes", n.capacityBytes());
            row.put("freeBytes", n.freeBytes());
            row.put("usedBytes", Math.max(0, n.capacityBytes() - n.freeBytes()));
            row.put("load", n.load());
            row.put("lastSeenEpochMillis", n.lastSeenMillis());
            JsonNode d = byId.get(n.id().hex());
            if (d != null) {
                row.put("blocks", d.get("holdings").longValue());
                row.put("distributeState", d.get("state").stringValue());
            } else {
                row.putNull("blocks");
                row.putNull("distributeState");
            }
        }
        return rows;
    }

    private ArrayNode mergedEvents(List<JsonNode> remoteEvents) {
        Map<String, JsonNode> unique = new LinkedHashMap<>();
        for (Event e : events.recent(EVENTS_SHOWN)) {
            unique.put(e.node() + "/" + e.seq(), Json.MAPPER.valueToTree(e));
        }
        for (JsonNode e : remoteEvents) {
            if (e.hasNonNull("node") && e.hasNonNull("seq")) {
                unique.putIfAbsent(e.get("node").asString() + "/" + e.get("seq").asString(), e);
            }
        }
        List<JsonNode> all = new ArrayList<>(unique.values());
        all.sort(Comparator.comparingLong((JsonNode e) -> e.get("atEpochMillis").longValue()).reversed());
        ArrayNode out = Json.MAPPER.createArrayNode();
        all.stream().limit(EVENTS_SHOWN).forEach(out::add);
        return out;
    }

    private Remote remote(List<NodeInfo> view) {
        synchronized (remoteLock) {
            long now = clock.nanoTime();
            if (remoteAtNanos != Long.MIN_VALUE && now - remoteAtNanos < CACHE_FOR.toNanos()) {
                return remote;
            }
            remoteAtNanos = now;
            URI service = view.stream().filter(n -> n.alive() && n.roles().contains(NodeInfo.ROLE_DISTRIBUTE))
                    .min(Comparator.comparing(NodeInfo::id)).map(NodeInfo::url).orElse(null);
            if (service == null) {
                remote = new Remote(null, null, List.of(), "no alive node plays the distribute role", 0);
                return remote;
            }
            try {
                var statusCall = transport.exchange(HttpCall.get(service.resolve("/distribute/status"))
                        .withTimeout(REMOTE_TIMEOUT));
                var eventsCall = transport.exchange(HttpCall.get(service.resolve("/dashboard/events?limit=" + EVENTS_SHOWN))
                        .withTimeout(REMOTE_TIMEOUT));
                long wait = REMOTE_TIMEOUT.toMillis() + 200;
                HttpReply s = statusCall.get(wait, TimeUnit.MILLISECONDS);
                if (s.status() != 200) {
                    throw new IllegalStateException("GET /distribute/status answered " + s.status());
                }
                List<JsonNode> ev = new ArrayList<>();
                try {
                    HttpReply e = eventsCall.get(wait, TimeUnit.MILLISECONDS);
                    if (e.status() == 200) {
                        Json.MAPPER.readTree(e.body()).forEach(ev::add);
                    }
                } catch (Exception ignored) {
                    // events are a nicety; the status is what matters
                }
                remote = new Remote(service, Json.MAPPER.readTree(s.body()), ev, null, clock.now().toEpochMilli());
            } catch (Exception e) {
                String why = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                        ? e.getCause().toString() : e.toString();
                // keep the last status, marked stale by the error
                remote = new Remote(service, remote.status, remote.events, service + " unreachable: " + why,
                        remote.atEpochMillis);
            }
            return remote;
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
