package io.cairn.node.directory;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.Manifest;
import io.cairn.core.NodeId;
import io.cairn.core.names.Name;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.node.storage.LeaseRenewal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import tools.jackson.databind.JsonNode;

/**
 * {@code PUT}, {@code GET}, {@code HEAD} and {@code DELETE /names/{name}} (SPEC §3.4).
 *
 * <table>
 *   <caption>answers</caption>
 *   <tr><th>request</th><th>where</th><th>answer</th></tr>
 *   <tr><td>PUT, raw body</td><td>any node</td><td>201 {@code {"name","address","size"}}: blob stored
 *       ({@link Blobs}), record at W of R successors; 413 over maxPutBytes; 503 too few nodes</td></tr>
 *   <tr><td>PUT, {@value #BIND_TYPE} {@code {"address"}}</td><td>any node</td><td>201, binds an existing
 *       block or file; 404 when the address is nowhere; 400 malformed</td></tr>
 *   <tr><td>GET/HEAD</td><td>not the owner</td><td>307, {@code Location} = the same path on the owner</td></tr>
 *   <tr><td>GET/HEAD</td><td>owner, holds the bytes</td><td>200 with the bytes
 *       ({@code X-Cairn-Address}, {@code ETag})</td></tr>
 *   <tr><td>GET/HEAD</td><td>owner, bytes elsewhere</td><td>302, {@code Location} = {@code /blocks/{a}} on a
 *       replica that has the block, or {@code /files/{a}} on the manifest's closest replica</td></tr>
 *   <tr><td>GET/HEAD</td><td>owner, unknown, deleted or expired name</td><td>404</td></tr>
 *   <tr><td>DELETE</td><td>any node</td><td>204; 404 when the name does not resolve</td></tr>
 * </table>
 * Redirects carry {@code X-Cairn-Address} (302) or {@code X-Cairn-Owner} (307) too.
 */
final class NamesRoute implements Route {
    static final String BIND_TYPE = "application/vnd.cairn.bind+json";
    static final int MAX_BIND_BYTES = 4096;

    private final Directory directory;
    private final LeaseRenewal renewal;

    NamesRoute(Directory directory, LeaseRenewal renewal) {
        this.directory = directory;
        this.renewal = renewal;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Name name = NamePaths.fromRawPath(ex.rawPath());
        switch (ex.method()) {
            case "PUT" -> put(ex, name);
            case "DELETE" -> {
                directory.delete(name);
                ex.respondEmpty(204);
            }
            default -> get(ex, name);
        }
    }

    private void put(Exchange ex, Name name) throws Exception {
        String type = ex.header(HttpHeader.CONTENT_TYPE);
        Blobs.Stored stored;
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith(BIND_TYPE)) {
            stored = directory.blobs().stat(bindAddress(ex.readJson(MAX_BIND_BYTES)));
        } else {
            long max = directory.settings().maxPutBytes();
            if (ex.contentLength() > max) {
                throw new CairnException(ErrorCode.TOO_LARGE, "a blob is at most " + max + " bytes");
            }
            stored = directory.blobs().put(ex.bodyStream(), max, null);
        }
        directory.bind(name, stored.address(), stored.size(), stored.file(), 0, NameRecord.NEVER);
        var reply = Json.MAPPER.createObjectNode();
        reply.put("name", name.value());
        reply.put("address", stored.address().hex());
        reply.put("size", stored.size());
        ex.respondJson(201, reply);
    }

    private static Address bindAddress(JsonNode body) {
        if (!body.isObject() || body.size() != 1 || !body.path("address").isString()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "the bind form is {\"address\": \"<64 hex>\"} and nothing else");
        }
        return Address.parse(body.path("address").stringValue());
    }

    private void get(Exchange ex, Name name) throws Exception {
        List<NodeId> succ = directory.successors(name);
        if (!succ.getFirst().equals(directory.self())) {
            URI owner = directory.urlOf(succ.getFirst());
            ex.response().getHeaders().put(HttpHeader.LOCATION, NamePaths.location(owner, name, ex.rawQuery()));
            ex.response().getHeaders().put("X-Cairn-Owner", succ.getFirst().hex());
            redirectBody(ex, 307, owner.toString());
            return;
        }
        NameRecord record = directory.ownerRead(name);
        if (record == null || !record.resolvable(directory.clock().now())) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no name " + Directory.quoted(name));
        }
        Address address = record.entry().address();
        ex.response().getHeaders().put("X-Cairn-Address", address.hex());
        Optional<Blobs.Held> held = directory.blobs().heldLocally(address);
        if (held.isPresent()) {
            serve(ex, address, held.get());
            return;
        }
        Optional<URI> holder = record.file() ? firstReplica(address) : directory.blobs().holder(address);
        if (holder.isEmpty()) {
            throw new CairnException(ErrorCode.NOT_FOUND, "the blob of " + Directory.quoted(name) + " (" + address
                    + ") is on no alive node");
        }
        String where = holder.get().resolve((record.file() ? "/files/" : "/blocks/") + address.hex()).toString();
        ex.response().getHeaders().put(HttpHeader.LOCATION, where);
        redirectBody(ex, 302, where);
    }

    private Optional<URI> firstReplica(Address address) {
        var nodes = directory.blobs().blocks().policy();
        var order = io.cairn.client.Replicas.readOrder(address, directory.membershipInfos(), nodes, 1);
        return order.isEmpty() ? Optional.empty() : Optional.of(order.getFirst().url());
    }

    private static void redirectBody(Exchange ex, int status, String location) {
        var body = Json.MAPPER.createObjectNode();
        body.put("location", location);
        ex.respondJson(status, body);
    }

    private void serve(Exchange ex, Address address, Blobs.Held held) throws Exception {
        renewal.onRead(address);
        var headers = ex.response().getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, Exchange.OCTET_STREAM);
        headers.put(HttpHeader.ETAG, "\"" + address.hex() + "\"");
        Manifest m = held.manifest();
        if (m == null) {
            ex.respond(200, null, held.block());
            return;
        }
        headers.put(HttpHeader.CONTENT_LENGTH, m.size());
        ex.begin(200);
        if (ex.isHead() || m.chunks().isEmpty()) {
            ex.finish();
            return;
        }
        for (int i = 0; i < m.chunks().size(); i++) {
            ByteBuffer chunk = directory.blobs().localChunk(m.chunks().get(i).id());
            ex.write(chunk, i == m.chunks().size() - 1);
        }
    }
}
