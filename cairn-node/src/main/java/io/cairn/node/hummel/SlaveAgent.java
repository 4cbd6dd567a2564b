package io.cairn.node.hummel;

import io.cairn.client.hummel.HummelHttp;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The slave's loop (SPEC §3.5). Every heartbeat interval: {@code POST /slave/heartbeat}; and
 * {@code POST /slave/hashlist} with everything it holds when it has not introduced itself yet,
 * the master does not know it (restarted), the master's index version changed, or its own
 * holdings changed since the last list. The hashlist's answer says what to fetch (within the
 * quota the slave declares, {@code quotaBytes}) and what to drop. Fetches run in the background,
 * at most {@link #FETCHES_AT_ONCE} at once, each from the other slaves the master named and then
 * from the master itself; every archive is verified before it is kept ({@link ArchiveShelf}).
 */
final class SlaveAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlaveAgent.class);
    static final int FETCHES_AT_ONCE = 4;
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final HummelSettings settings;
    private final NodeId id;
    private final URI self;
    private final ArchiveShelf shelf;
    private final HummelHttp http;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore fetchSlots = new Semaphore(FETCHES_AT_ONCE);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, String> token;
    private volatile boolean listNeeded = true;
    private volatile long masterVersion = -1;

    SlaveAgent(HummelSettings settings, NodeId id, URI self, ArchiveShelf shelf, HummelHttp http) {
        this.settings = settings;
        this.id = id;
        this.self = self;
        this.shelf = shelf;
        this.http = http;
        this.token = Map.of(HummelHttp.TOKEN_HEADER, settings.slaveToken());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("hummel-slave-" + id.shortHex()).daemon(true).factory());
    }

    void start() {
        long every = settings.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
        log.info("slave of {} (quota {}, heartbeat every {}), holding {} archives", settings.slaveOf(),
                settings.quotaBytes() == 0 ? "none" : settings.quotaBytes() + " bytes", settings.heartbeatInterval(),
                shelf.held().size());
    }

    private void tick() {
        try {
            ObjectNode hb = Json.MAPPER.createObjectNode().put("id", id.hex()).put("url", self.toString());
            HummelHttp.Reply r = http.call("POST", settings.slaveOf().resolve("/slave/heartbeat"), token,
                    Json.MAPPER.writeValueAsBytes(hb), CALL_TIMEOUT);
            if (!r.ok()) {
                log.warn("heartbeat refused by {}: HTTP {}", settings.slaveOf(), r.status());
                return;
            }
            JsonNode reply = Json.MAPPER.readTree(r.body());
            long version = reply.path("version").asLong(-1);
            if (!reply.path("known").asBoolean(false) || version != masterVersion) {
                listNeeded = true;
            }
            if (listNeeded) {
                listNeeded = false;
                hashlist();
            }
        } catch (RuntimeException e) {
            listNeeded = true;
            log.debug("slave tick: {}", e.toString());
        }
    }

    private void hashlist() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id.hex()).put("url", self.toString())
                .put("quotaBytes", settings.quotaBytes());
        var hashes = body.putArray("hashes");
        shelf.held().forEach(hashes::add);
        HummelHttp.Reply r = http.call("POST", settings.slaveOf().resolve("/slave/hashlist"), token,
                Json.MAPPER.writeValueAsBytes(body), CALL_TIMEOUT);
        if (!r.ok()) {
            listNeeded = true;
            log.warn("hashlist refused by {}: HTTP {}", settings.slaveOf(), r.status());
            return;
        }
        JsonNode reply = Json.MAPPER.readTree(r.body());
        masterVersion = reply.path("version").asLong(-1);
        for (JsonNode d : reply.path("drop")) {
            try {
                shelf.drop(ArchiveShelf.hashOf(d.asString() + ArchiveShelf.SUFFIX));
                listNeeded = true;
            } catch (Exception e) {
                log.debug("drop {}: {}", d, e.toString());
            }
        }
        for (JsonNode h : reply.path("replicate")) {
            String hash = ArchiveShelf.hashOf(h.asString() + ArchiveShelf.SUFFIX);
            if (shelf.held().contains(hash) || !inFlight.add(hash)) {
                continue;
            }
            List<URI> sources = new ArrayList<>();
            for (JsonNode s : reply.path("sources").path(hash)) {
                sources.add(URI.create(s.asString()));
            }
            sources.add(settings.slaveOf());
            fetchers.execute(() -> fetch(hash, sources));
        }
    }

    private void fetch(String hash, List<URI> sources) {
        try {
            fetchSlots.acquire();
            try {
                if (shelf.fetch(hash, sources, http)) {
                    listNeeded = true;
                } else {
                    listNeeded = true; // ask again at the next tick: sources may have changed
                    log.warn("could not fetch archive {} from {}", hash, sources);
                }
            } finally {
                fetchSlots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.remove(hash);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        fetchers.shutdownNow();
    }
}
