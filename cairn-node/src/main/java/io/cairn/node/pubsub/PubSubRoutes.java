package io.cairn.node.pubsub;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.pubsub.NeighbourFilters;
import io.cairn.core.pubsub.PubSubLimits;
import io.cairn.core.pubsub.Publication;
import io.cairn.core.pubsub.QuasarRouter;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Router;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The pub/sub endpoints (SPEC §3.6); see cairn-node/README.md for their table.
 * {@link #register} adds them to a node's router.
 */
public final class PubSubRoutes {
    static final int MAX_PUBLISH_BYTES = PubSubLimits.MAX_PAYLOAD_BYTES + 4096;

    private final PubSubService pubsub;

    private PubSubRoutes(PubSubService pubsub) {
        this.pubsub = pubsub;
    }

    public static Router register(Router router, PubSubService pubsub) {
        PubSubRoutes r = new PubSubRoutes(pubsub);
        return router
                .add("POST", "/pubsub/subscribe", r::subscribe)
                .add("DELETE", "/pubsub/subscribe/{topic}", r::unsubscribe)
                .add("DELETE", "/pubsub/subscribe", r::unsubscribe) // ?topic=, for topics holding '/' (%2F is refused in paths)
                .add("POST", "/pubsub/publish", r::publish)
                .add("GET", "/pubsub/messages", r::messages)
                .add("GET", "/pubsub/status", r::status)
                .addInternal("POST", PubSubService.RELAY_PATH, r::relay)
                .addInternal("POST", PubSubService.FILTER_PATH, r::filter);
    }

    private void subscribe(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(4096);
        PubSubCodec.requireObject(body);
        String topic = PubSubCodec.string(body, "topic");
        boolean created = pubsub.subscribe(topic);
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("topic", topic);
        reply.put("created", created);
        ex.respondJson(created ? 201 : 200, reply);
    }

    private void unsubscribe(Exchange ex) {
        String topic = ex.param("topic") != null ? decodeSegment(ex.param("topic")) : ex.query("topic");
        if (topic == null) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "which topic? DELETE /pubsub/subscribe/{topic} or ?topic=");
        }
        if (!pubsub.unsubscribe(topic)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "not subscribed to this topic");
        }
        ex.respondEmpty(204);
    }

    /** Path parameters reach routes still percent-encoded (Jetty 12's path in context): decode once, '+' literal. */
    static String decodeSegment(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "malformed percent-encoding in the topic");
        }
    }

    private void publish(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(MAX_PUBLISH_BYTES);
        PubSubCodec.requireObject(body);
        String topic = PubSubCodec.string(body, "topic");
        JsonNode payload = body.get("payload");
        if (payload == null) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "payload is required (any JSON value)");
        }
        Publication p = pubsub.publish(PubSubLimits.checkTopic(topic), PubSubCodec.payloadText(payload));
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("id", p.id());
        ex.respondJson(200, reply);
    }

    private void messages(Exchange ex) {
        String topic = ex.query("topic");
        if (topic == null) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "the topic query parameter is required");
        }
        PubSubLimits.checkTopic(topic);
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (MessageBuffer.Message m : pubsub.messages(topic)) {
            ObjectNode o = out.addObject();
            o.put("id", m.id());
            o.put("topic", m.topic());
            o.putRawValue("payload", new RawValue(m.payload()));
            o.put("hops", m.hops());
            o.put("receivedAtMs", m.receivedAtMs());
        }
        ex.respondJson(200, out);
    }

    private void status(Exchange ex) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("self", pubsub.self().hex());
        ArrayNode n = o.putArray("neighbours");
        pubsub.neighbours().forEach(id -> n.add(id.hex()));
        ArrayNode f = o.putArray("filtersFrom");
        pubsub.neighboursWithFilters().forEach(id -> f.add(id.hex()));
        ArrayNode s = o.putArray("subscriptions");
        pubsub.userTopics().stream().sorted().forEach(s::add);
        ArrayNode c = o.putArray("contractTopics");
        pubsub.contractTopics().stream().sorted().forEach(c::add);
        PubSubService.Stats st = pubsub.stats();
        ObjectNode stats = o.putObject("stats");
        stats.put("filterPushes", st.filterPushes());
        stats.put("filterBytes", st.filterBytes());
        stats.put("relaysSent", st.relaysSent());
        stats.put("relayBytes", st.relayBytes());
        stats.put("relaysReceived", st.relaysReceived());
        stats.put("delivered", st.delivered());
        stats.put("duplicates", st.duplicates());
        stats.put("dropped", st.dropped());
        ex.respondJson(200, o);
    }

    private void relay(Exchange ex) throws Exception {
        PubSubCodec.Relay relay = PubSubCodec.decodeRelay(ex.readJson(PubSubCodec.MAX_RELAY_BYTES));
        QuasarRouter.Outcome outcome = pubsub.receive(relay);
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        ex.respondJson(202, reply);
    }

    private void filter(Exchange ex) throws Exception {
        NeighbourFilters.Verdict verdict = pubsub.offer(PubSubCodec.decodeFilter(ex.readJson(PubSubCodec.MAX_FILTER_BYTES)));
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        ex.respondJson(200, reply);
    }
}
