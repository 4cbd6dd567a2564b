package io.cairn.node.pubsub;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.pubsub.AttenuatedBloomFilter;
import io.cairn.core.pubsub.FilterUpdate;
import io.cairn.core.pubsub.PubSubLimits;
import io.cairn.core.pubsub.Publication;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The JSON the overlay's internal endpoints exchange (version 1). Unknown fields are ignored, so
 * a newer node may add some; a missing or ill-typed field is a BAD_REQUEST.
 *
 * <pre>
 * POST /internal/pubsub/relay   ≤ 192 KiB
 * | field   | type            | meaning                                                   |
 * |---------|-----------------|-----------------------------------------------------------|
 * | from    | 64 hex          | the node that sent this copy (the router never sends back) |
 * | id      | string          | publication id, [A-Za-z0-9_-]{1,64}                       |
 * | topic   | string          | 1..256 UTF-8 bytes, no control characters                 |
 * | payload | any JSON value  | embedded as is (not a string holding JSON), ≤ 64 KiB      |
 * | ttl     | int 0..64       | hops this copy may still take                             |
 * | met     | [64 hex]        | subscribers met so far, oldest first, ≤ 65                |
 * | hops    | int 0..64       | hops taken so far (measurement only; routing ignores it)  |
 *
 * POST /internal/pubsub/filter  ≤ 1 MiB
 * | from    | 64 hex          | the sender                                                |
 * | version | long            | strictly increasing per sender                            |
 * | filter  | Base64          | {@link AttenuatedBloomFilter} wire format version 1       |
 * </pre>
 */
final class PubSubCodec {
    static final int MAX_RELAY_BYTES = 192 * 1024;
    static final int MAX_FILTER_BYTES = 1024 * 1024;

    /** A publication as relayed: the copy, who sent it, and how many hops it has taken. */
    record Relay(NodeId from, Publication publication, int hops) {}

    private PubSubCodec() {}

    static byte[] encodeRelay(NodeId from, Publication p, int hops) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("from", from.hex());
        o.put("id", p.id());
        o.put("topic", p.topic());
        o.putRawValue("payload", new RawValue(p.payload()));
        o.put("ttl", p.ttl());
        ArrayNode met = o.putArray("met");
        p.met().forEach(n -> met.add(n.hex()));
        o.put("hops", hops);
        return Json.MAPPER.writeValueAsBytes(o);
    }

    static Relay decodeRelay(JsonNode o) {
        requireObject(o);
        NodeId from = NodeId.parse(string(o, "from"));
        JsonNode payload = o.get("payload");
        if (payload == null) {
            throw bad("payload is required");
        }
        JsonNode metNode = o.get("met");
        if (metNode == null || !metNode.isArray() || metNode.size() > PubSubLimits.MAX_MET) {
            throw bad("met must be an array of at most " + PubSubLimits.MAX_MET + " node ids");
        }
        List<NodeId> met = new ArrayList<>(metNode.size());
        for (JsonNode n : metNode) {
            if (!n.isString()) {
                throw bad("met must hold node ids");
            }
            met.add(NodeId.parse(n.stringValue()));
        }
        Publication p = new Publication(string(o, "id"), string(o, "topic"), payloadText(payload),
                integer(o, "ttl", PubSubLimits.MAX_TTL), met);
        return new Relay(from, p, integer(o, "hops", PubSubLimits.MAX_TTL));
    }

    static byte[] encodeFilter(NodeId from, long version, AttenuatedBloomFilter filter) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("from", from.hex());
        o.put("version", version);
        o.put("filter", filter.toBase64());
        return Json.MAPPER.writeValueAsBytes(o);
    }

    static FilterUpdate decodeFilter(JsonNode o) {
        requireObject(o);
        JsonNode version = o.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToLong()) {
            throw bad("version must be an integer");
        }
        return new FilterUpdate(NodeId.parse(string(o, "from")), version.longValue(),
                AttenuatedBloomFilter.fromBase64(string(o, "filter")));
    }

    /** The canonical JSON text of a payload value: what travels and what GET /pubsub/messages returns. */
    static String payloadText(JsonNode payload) {
        return Json.MAPPER.writeValueAsString(payload);
    }

    static String string(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isString()) {
            throw bad(field + " must be a string");
        }
        return v.stringValue();
    }

    private static int integer(JsonNode o, String field, int max) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > max) {
            throw bad(field + " must be an integer in [0, " + max + "]");
        }
        return v.intValue();
    }

    static void requireObject(JsonNode o) {
        if (!o.isObject()) {
            throw bad("a JSON object is expected");
        }
    }

    static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, why);
    }
}
