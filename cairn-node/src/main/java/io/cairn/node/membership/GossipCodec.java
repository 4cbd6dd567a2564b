package io.cairn.node.membership;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfoCodec;
import io.cairn.core.NodeStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gossip exchange's wire format, version 1 (JSON):
 * <pre>
 * request  (POST /internal/gossip): {"version":1,"sender":"&lt;id&gt;","members":[member, ...]}
 * response (200):                   {"version":1,"members":[member, ...]}
 * member: {"id":"&lt;64 hex&gt;","url":"http://h:p","roles":["storage"],"generation":&lt;epoch ms&gt;,
 *          "heartbeat":&lt;long&gt;,"freeBytes":&lt;long&gt;,"capacityBytes":&lt;long&gt;,"load":&lt;number&gt;,
 *          "status":"alive"|"suspect"|"dead"}
 * </pre>
 * The sender's own entry must be among its members. Decoding is strict: at most
 * {@link #MAX_MEMBERS} members, {@link #MAX_ROLES} roles of up to 64 characters, non-negative
 * numbers, http(s) URLs; anything else is a BAD_REQUEST and nothing is merged.
 */
public final class GossipCodec {
    public static final int VERSION = 1;
    public static final int MAX_MEMBERS = 10_000;
    public static final int MAX_ROLES = 16;
    public static final int MAX_BYTES = 8 * 1024 * 1024;

    /** A decoded request: who sent it and what it knows. */
    public record Message(NodeId sender, List<Member> members) {
        public Member senderEntry() {
            return members.stream().filter(m -> m.id().equals(sender)).findFirst().orElseThrow();
        }
    }

    private GossipCodec() {}

    public static byte[] encodeRequest(NodeId sender, List<Member> members) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("sender", sender.hex());
        root.set("members", members(members));
        return Json.MAPPER.writeValueAsBytes(root);
    }

    public static byte[] encodeResponse(List<Member> members) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.set("members", members(members));
        return Json.MAPPER.writeValueAsBytes(root);
    }

    public static Message decodeRequest(JsonNode root) {
        if (root == null || !root.isObject() || !root.path("sender").isString()) {
            throw bad("expected {\"version\":1,\"sender\":...,\"members\":[...]}");
        }
        NodeId sender = NodeId.parse(root.get("sender").stringValue());
        List<Member> members = decodeMembers(root);
        if (members.stream().noneMatch(m -> m.id().equals(sender))) {
            throw bad("the sender's own entry is missing");
        }
        return new Message(sender, members);
    }

    public static List<Member> decodeResponse(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw bad("malformed JSON");
        }
        if (root == null || !root.isObject()) {
            throw bad("expected {\"version\":1,\"members\":[...]}");
        }
        return decodeMembers(root);
    }

    private static ArrayNode members(List<Member> members) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Member m : members) {
            ObjectNode o = array.addObject();
            o.put("id", m.id().hex());
            o.put("url", m.url().toString());
            ArrayNode roles = o.putArray("roles");
            m.roles().stream().sorted().forEach(roles::add);
            o.put("generation", m.generation());
            o.put("heartbeat", m.heartbeat());
            o.put("freeBytes", m.freeBytes());
            o.put("capacityBytes", m.capacityBytes());
            o.put("load", m.load());
            o.put("status", m.status().wire());
        }
        return array;
    }

    private static List<Member> decodeMembers(JsonNode root) {
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || version.intValue() != VERSION) {
            throw bad("unsupported gossip version " + version);
        }
        JsonNode array = root.get("members");
        if (array == null || !array.isArray() || array.size() > MAX_MEMBERS) {
            throw bad("members must be an array of at most " + MAX_MEMBERS);
        }
        List<Member> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            if (!n.isObject()) {
                throw bad("member must be an object");
            }
            Set<String> roles = new LinkedHashSet<>();
            JsonNode r = n.get("roles");
            if (r == null || !r.isArray() || r.size() > MAX_ROLES) {
                throw bad("roles must be an array of at most " + MAX_ROLES);
            }
            for (JsonNode role : r) {
                if (!role.isString() || role.stringValue().isEmpty() || role.stringValue().length() > 64) {
                    throw bad("a role is a string of 1 to 64 characters");
                }
                roles.add(role.stringValue());
            }
            JsonNode load = n.get("load");
            if (load == null || !load.isNumber() || !(load.doubleValue() >= 0)) {
                throw bad("load must be a non-negative number");
            }
            out.add(new Member(NodeId.parse(text(n, "id")), NodeInfoCodec.url(text(n, "url")), roles,
                    longField(n, "generation"), longField(n, "heartbeat"), longField(n, "freeBytes"),
                    longField(n, "capacityBytes"), load.doubleValue(), NodeStatus.ofWire(text(n, "status"))));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw bad(field + " must be a string");
        }
        return v.stringValue();
    }

    private static long longField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw bad(field + " must be a non-negative integer");
        }
        return v.longValue();
    }

    private static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "gossip: " + why);
    }
}
