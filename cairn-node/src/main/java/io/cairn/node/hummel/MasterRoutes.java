package io.cairn.node.hummel;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.hummel.IndexCodec;
import io.cairn.core.hummel.IndexEntry;
import io.cairn.core.hummel.QuotaPlan;
import io.cairn.core.hummel.RepoIndex;
import io.cairn.core.hummel.RepoPath;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Router;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The master's HTTP surface (SPEC §3.5). Formats are in cairn-node/README.md; the token rules:
 * {@code POST /build} needs the write token, {@code /slave/*} the slave token, each exactly its
 * own (the other token is as wrong as a random one: 401). Reads ({@code /index}, {@code /locate},
 * the page) and {@code /clients/hashes} are public, as in the seed.
 */
final class MasterRoutes {
    private final Master master;
    private final TokenCheck writeToken;
    private final TokenCheck slaveToken;

    MasterRoutes(Master master) {
        this.master = master;
        this.writeToken = new TokenCheck(master.settings().writeToken(), "write token");
        this.slaveToken = new TokenCheck(master.settings().slaveToken(), "slave token");
    }

    void register(Router router) {
        router.add("POST", "/build", this::startBuild)
                .add("GET", "/build/{id}", this::build)
                .add("GET", "/index", this::index)
                .add("POST", "/locate", this::locate)
                .add("POST", "/clients/hashes", this::clientHashes)
                .add("POST", "/slave/hashlist", this::hashlist)
                .add("POST", "/slave/heartbeat", this::heartbeat)
                // literal paths before the {archive} pattern: the router takes the first match
                .add("GET", "/hummel/status", ex -> ex.respondJson(200, status()))
                .add("GET", "/hummel/", ex -> ex.respond(200, "text/html; charset=utf-8",
                        ByteBuffer.wrap(HummelPage.render(master, status()).getBytes(StandardCharsets.UTF_8))))
                .add("GET", "/hummel/{archive}", this::archive);
    }

    private void startBuild(Exchange ex) {
        writeToken.require(ex);
        BuildProgress p = master.startBuild();
        ex.respondJson(202, Json.MAPPER.createObjectNode().put("build", p.id).put("state",
                p.state.name().toLowerCase(java.util.Locale.ROOT)));
    }

    private void build(Exchange ex) {
        BuildProgress p = master.build(ex.param("id"));
        if (p == null) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no build " + ex.param("id") + " here (the last "
                    + Master.BUILDS_KEPT + " are kept)");
        }
        ex.respondJson(200, p.toJson());
    }

    private void index(Exchange ex) {
        String subtree = RepoPath.subtree(ex.query("path"));
        RepoIndex index = master.state().index();
        ex.respondJson(200, IndexCodec.encode(index.version(), index.subtree(subtree)));
    }

    private void locate(Exchange ex) throws Exception {
        List<String> hashes = Bodies.hashes(ex.readJson(Bodies.MAX_HASHLIST_BODY));
        Map<String, List<String>> found = master.slaves().locate(hashes, master.nowMs());
        ObjectNode out = Json.MAPPER.createObjectNode();
        found.forEach((h, urls) -> {
            ArrayNode a = out.putArray(h);
            urls.forEach(a::add);
        });
        ex.respondJson(200, out);
    }

    private void clientHashes(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(Bodies.MAX_HASHLIST_BODY);
        String client = Bodies.id(body, "client");
        List<String> hashes = Bodies.hashes(body);
        master.clientReport(client, new HashSet<>(hashes).size());
        ex.respondJson(200, Json.MAPPER.createObjectNode().put("client", client).put("hashes", hashes.size()));
    }

    private void hashlist(Exchange ex) throws Exception {
        slaveToken.require(ex);
        JsonNode body = ex.readJson(Bodies.MAX_HASHLIST_BODY);
        String id = Bodies.id(body, "id");
        java.net.URI url = Bodies.url(body);
        Set<String> held = new HashSet<>(Bodies.hashes(body));
        long quota = Bodies.nonNegative(body, "quotaBytes");
        long now = master.nowMs();
        master.slaves().hashlist(id, url, held, quota, now);
        MasterStore.State state = master.state();
        QuotaPlan.Decision d = QuotaPlan.decide(state.index().archives(), held, quota);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("version", state.index().version());
        ArrayNode replicate = out.putArray("replicate");
        d.replicate().forEach(replicate::add);
        ArrayNode drop = out.putArray("drop");
        d.drop().forEach(drop::add);
        ObjectNode sources = out.putObject("sources");
        ObjectNode sizes = out.putObject("sizes");
        Map<String, Long> archiveSizes = state.index().archives();
        for (String h : d.replicate()) {
            ArrayNode a = sources.putArray(h);
            master.slaves().sources(h, id, now).forEach(a::add);
            sizes.put(h, archiveSizes.getOrDefault(h, -1L));
        }
        ex.respondJson(200, out);
    }

    private void heartbeat(Exchange ex) throws Exception {
        slaveToken.require(ex);
        JsonNode body = ex.readJson(Bodies.MAX_SMALL_BODY);
        boolean known = master.slaves().heartbeat(Bodies.id(body, "id"), master.nowMs());
        ex.respondJson(200, Json.MAPPER.createObjectNode().put("known", known)
                .put("version", master.state().index().version()));
    }

    /** The master has no archive files of its own: it points at the cluster file (307 keeps Range). */
    private void archive(Exchange ex) {
        String hash = ArchiveShelf.hashOf(ex.param("archive"));
        Address address = master.state().archives().get(hash);
        if (address == null) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no archive " + hash + " in the current index");
        }
        ex.response().getHeaders().put("Location", "/files/" + address.hex());
        ex.respondEmpty(307);
    }

    ObjectNode status() {
        MasterStore.State s = master.state();
        long now = master.nowMs();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("repository", master.settings().repository().toString());
        o.put("version", s.index().version());
        o.put("files", s.index().files().size());
        o.put("totalBytes", s.index().totalBytes());
        Map<String, Long> archives = s.index().archives();
        long archiveBytes = archives.values().stream().mapToLong(v -> Math.max(0, v)).sum();
        o.put("archives", archives.size());
        o.put("archiveBytes", archiveBytes);
        BuildProgress last = master.lastBuild();
        if (last != null) {
            o.set("lastBuild", last.toJson());
        }
        ArrayNode slaves = o.putArray("slaves");
        for (SlaveRegistry.Slave sl : master.slaves().all()) {
            long held = 0;
            int heldCount = 0;
            for (String h : sl.hashes()) {
                Long size = archives.get(h);
                if (size != null) {
                    held += Math.max(0, size);
                    heldCount++;
                }
            }
            slaves.addObject().put("id", sl.id()).put("url", sl.url().toString())
                    .put("state", master.slaves().live(sl, now) ? "live" : "silent")
                    .put("lastHeartbeatMs", sl.lastSeenMs()).put("quotaBytes", sl.quotaBytes())
                    .put("archivesHeld", heldCount).put("bytesHeld", held);
        }
        o.put("clients", master.clients().size());
        return o;
    }
}
