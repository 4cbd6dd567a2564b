package io.cairn.node;

import io.cairn.core.NodeId;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.node.metrics.NodeMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The node's small operational routes (SPEC §3.1, §3.7). */
final class BasicRoutes {
    private BasicRoutes() {}

    /** {@code GET /id} → the node ID as plain text, no newline. */
    record Id(NodeId id) implements Route {
        @Override
        public void handle(Exchange ex) {
            ex.respondText(200, id.hex());
        }
    }

    /** {@code GET /health} → 200 {@code {"status":"ok"}} while the node serves. */
    record Health(java.util.function.Supplier<String> refused) implements Route {
        @Override
        public void handle(Exchange ex) {
            var body = io.cairn.core.Json.MAPPER.createObjectNode();
            body.put("status", "ok");
            String why = refused.get();
            if (why != null) {
                body.put("warning", why);
            }
            ex.respondJson(200, body);
        }
    }

    /** {@code GET /metrics} → Prometheus text exposition format 0.0.4. */
    record Metrics(NodeMetrics metrics) implements Route {
        @Override
        public void handle(Exchange ex) {
            ex.respond(200, "text/plain; version=0.0.4; charset=utf-8",
                    ByteBuffer.wrap(metrics.scrape().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** {@code GET /load} → {@code {"inflight","requestsPerSecond","bytesInPerSecond","bytesOutPerSecond","windowSeconds"}}. */
    record Load(NodeMetrics metrics) implements Route {
        @Override
        public void handle(Exchange ex) {
            NodeMetrics.Load load = metrics.load();
            var body = io.cairn.core.Json.MAPPER.createObjectNode();
            // The request asking counts itself; report the others.
            body.put("inflight", Math.max(0, load.inflight() - 1));
            body.put("requestsPerSecond", load.requestsPerSecond());
            body.put("bytesInPerSecond", load.bytesInPerSecond());
            body.put("bytesOutPerSecond", load.bytesOutPerSecond());
            body.put("windowSeconds", NodeMetrics.LOAD_WINDOW_SECONDS);
            ex.respondJson(200, body);
        }
    }
}
