package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import io.cairn.core.names.Name;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import tools.jackson.databind.JsonNode;

/**
 * Names (SPEC §3.4) from the client side: put a file under a name, resolve and fetch a name,
 * list and delete. Reached through {@link CairnClient#names()}; thread-safe.
 *
 * <p><b>Which node.</b> A put goes to the alive storage node with the most free space per unit
 * of load ({@link #choose}: SPEC §3.4 "clients choose servers with capacity"). A file of at most
 * {@value #RAW_PUT_MAX_BYTES} bytes is sent as the body of {@code PUT /names/{name}} and that node
 * stores it; a larger one is uploaded by this client straight to its replicas (no node relays
 * it) and then bound with the JSON bind form on the chosen node. Reads start at the node the
 * client was given and follow the directory's redirects (307 to the owner; the owner's 200 or 302
 * names the address in {@code X-Cairn-Address}), at most {@value #MAX_REDIRECTS} hops; the bytes
 * are then fetched and verified by address like any {@code get}.
 */
public final class NameClient {
    public static final int RAW_PUT_MAX_BYTES = 4 * 1024 * 1024;
    public static final int MAX_REDIRECTS = 5;
    public static final String BIND_TYPE = "application/vnd.cairn.bind+json";

    /** A name as the directory answered it. */
    public record Entry(String name, Address address, long size) {}

    /** One page of {@code GET /names}; {@code next} null at the end. */
    public record Page(List<Entry> entries, String next) {}

    private final Transport transport;
    private final ClusterView view;
    private final CairnClient files;
    private final Duration timeout;

    NameClient(Transport transport, ClusterView view, CairnClient files, Duration timeout) {
        this.transport = transport;
        this.view = view;
        this.files = files;
        this.timeout = timeout;
    }

    /**
     * The node a put should go to: among alive storage nodes, the largest {@code freeBytes / (1 +
     * load)}; ties by URL. Pure; UNAVAILABLE when no storage node is alive.
     */
    public static NodeInfo choose(List<NodeInfo> nodes) {
        return Replicas.aliveStorage(nodes).stream()
                .max(Comparator.<NodeInfo>comparingDouble(n -> n.freeBytes() / (1.0 + Math.max(0, n.load())))
                        .thenComparing(n -> n.url().toString(), Comparator.reverseOrder()))
                .orElseThrow(() -> new CairnException(ErrorCode.UNAVAILABLE, "no alive storage node to put to"));
    }

    /** Stores a file under a name and returns the entry. */
    public Entry put(String name, Path file) {
        Name n = Name.of(name);
        nameUri(seed(), n); // refuse unusable names before any byte is sent
        NodeInfo target = choose(view.refresh());
        try {
            long size = Files.size(file);
            if (size <= RAW_PUT_MAX_BYTES) {
                return created(call("PUT", target.url(), n, Map.of("Content-Type", "application/octet-stream"),
                        ByteBuffer.wrap(Files.readAllBytes(file))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Address address = files.put(file);
        byte[] bind = ("{\"address\":\"" + address.hex() + "\"}").getBytes(StandardCharsets.UTF_8);
        return created(call("PUT", target.url(), n, Map.of("Content-Type", BIND_TYPE), ByteBuffer.wrap(bind)));
    }

    /** Binds an existing file or block to a name. */
    public Entry bind(String name, Address address) {
        NodeInfo target = choose(view.refresh());
        byte[] bind = ("{\"address\":\"" + address.hex() + "\"}").getBytes(StandardCharsets.UTF_8);
        return created(call("PUT", target.url(), Name.of(name), Map.of("Content-Type", BIND_TYPE), ByteBuffer.wrap(bind)));
    }

    /** The address a name resolves to (following redirects); NOT_FOUND when unknown. */
    public Address resolve(String name) {
        Name n = Name.of(name);
        URI at = nameUri(seed(), n);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpReply r = exchange(new HttpCall("HEAD", at, Map.of(), null, timeout, false));
            String address = r.header("x-cairn-address");
            if ((r.status() == 200 || r.status() == 302) && address != null) {
                return Address.parse(address);
            }
            if (r.status() == 307 && r.header("location") != null) {
                at = URI.create(r.header("location"));
                continue;
            }
            if (r.status() == 404) {
                throw new CairnException(ErrorCode.NOT_FOUND, "no name '" + name + "'");
            }
            throw RemoteError.of("HEAD " + at, r);
        }
        throw new CairnException(ErrorCode.UNAVAILABLE, "more than " + MAX_REDIRECTS + " redirects for '" + name + "'");
    }

    /** Fetches the file or block a name resolves to into {@code out}, verified. */
    public FileDownloader.Fetched get(String name, Path out) {
        return files.get(resolve(name), out);
    }

    public FileDownloader.Fetched get(String name, OutputStream out) throws IOException {
        return files.get(resolve(name), out, ProgressListener.NONE);
    }

    /** Deletes a name; NOT_FOUND when it does not exist. */
    public void delete(String name) {
        HttpReply r = exchange(new HttpCall("DELETE", nameUri(seed(), Name.of(name)),
                Map.of(), null, timeout, false));
        if (r.status() != 204 && r.status() != 200) {
            throw RemoteError.of("DELETE /names/" + name, r);
        }
    }

    /** One page of names with {@code prefix} after {@code after} (null: from the start). */
    public Page list(String prefix, String after, int limit) {
        StringBuilder q = new StringBuilder("/names?limit=").append(limit);
        if (prefix != null && !prefix.isEmpty()) {
            q.append("&prefix=").append(URLEncoder.encode(prefix, StandardCharsets.UTF_8));
        }
        if (after != null) {
            q.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        HttpReply r = exchange(new HttpCall("GET", seed().resolve(q.toString()), Map.of(), null, timeout, false));
        if (r.status() != 200) {
            throw RemoteError.of("GET /names", r);
        }
        JsonNode json = Json.MAPPER.readTree(r.body());
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : json.path("entries")) {
            entries.add(new Entry(e.path("name").stringValue(), Address.parse(e.path("address").stringValue()),
                    e.path("size").longValue()));
        }
        JsonNode next = json.path("next");
        return new Page(entries, next.isString() ? next.stringValue() : null);
    }

    private URI seed() {
        return view.seed();
    }

    /**
     * The URL of a name on a node. Names with {@code .} or {@code ..} segments are refused
     * (BAD_REQUEST) as the nodes refuse them: URL normalisation would turn them into other paths.
     */
    public static URI nameUri(URI node, Name name) {
        for (String segment : name.value().split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "the name '" + name
                        + "' has a '.' or '..' segment and cannot be used in a URL");
            }
        }
        String base = node.toString().endsWith("/") ? node.toString().substring(0, node.toString().length() - 1)
                : node.toString();
        return URI.create(base + "/names/" + name.toUrlPath());
    }

    private Entry created(HttpReply r) {
        if (r.status() != 201) {
            throw RemoteError.of("PUT /names", r);
        }
        JsonNode json = Json.MAPPER.readTree(r.body());
        return new Entry(json.path("name").stringValue(), Address.parse(json.path("address").stringValue()),
                json.path("size").longValue());
    }

    private HttpReply call(String method, URI node, Name name, Map<String, String> headers, ByteBuffer body) {
        return exchange(new HttpCall(method, nameUri(node, name), headers, body, timeout, false));
    }

    private HttpReply exchange(HttpCall call) {
        try {
            return transport.exchange(call).join();
        } catch (CompletionException e) {
            throw FileUploader.unwrap(e);
        }
    }
}
