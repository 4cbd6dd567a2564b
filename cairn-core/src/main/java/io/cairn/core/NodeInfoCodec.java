package io.cairn.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The node list's JSON (SPEC §3.4), shared by the node that writes it and the client that reads it:
 * <pre>
 * [{"id":"&lt;64 hex&gt;","url":"http://127.0.0.1:7070","roles":["storage"],"status":"alive",
 *   "freeBytes":123,"capacityBytes":456,"load":0.0,"lastSeen":1763750000000}, ...]
 * </pre>
 * {@code lastSeen} is epoch milliseconds; {@code load} is requests in flight at the node.
 */
public final class NodeInfoCodec {
    /** A cluster larger than this is refused rather than parsed. */
    public static final int MAX_NODES = 100_000;

    private NodeInfoCodec() {}

    public static ObjectNode toJson(NodeInfo n) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", n.id().hex());
        o.put("url", n.url().toString());
        ArrayNode roles = o.putArray("roles");
        n.roles().stream().sorted().forEach(roles::add);
        o.put("status", n.status().wire());
        o.put("freeBytes", n.freeBytes());
        o.put("capacityBytes", n.capacityBytes());
        o.put("load", n.load());
        o.put("lastSeen", n.lastSeenMillis());
        return o;
    }

    public static byte[] encodeList(List<NodeInfo> nodes) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        nodes.forEach(n -> array.add(toJson(n)));
        return Json.MAPPER.writeValueAsBytes(array);
    }

    public static List<NodeInfo> decodeList(byte[] json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "node list is not JSON");
        }
        if (root == null || !root.isArray() || root.size() > MAX_NODES) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "node list must be a JSON array");
        }
        List<NodeInfo> out = new ArrayList<>(root.size());
        for (JsonNode n : root) {
            out.add(fromJson(n));
        }
        return out;
    }

    public static NodeInfo fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "node entry must be an object");
        }
        Set<String> roles = new LinkedHashSet<>();
        JsonNode r = n.get("roles");
        if (r != null && r.isArray()) {
            r.forEach(x -> roles.add(x.asString()));
        }
        return new NodeInfo(NodeId.parse(text(n, "id")), url(text(n, "url")), roles,
                NodeStatus.ofWire(text(n, "status")), n.path("freeBytes").asLong(0),
                n.path("capacityBytes").asLong(0), n.path("load").asDouble(0),
                n.path("lastSeen").asLong(0));
    }

    /** Parses an http(s) URL with a host, refusing anything else. */
    public static URI url(String text) {
        try {
            URI uri = new URI(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "not an http URL: " + text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "not a URL: " + text);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "node entry lacks " + field);
        }
        return v.stringValue();
    }
}
