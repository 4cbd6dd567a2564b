package io.cairn.node.distribute;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfoCodec;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import java.net.URI;
import tools.jackson.databind.JsonNode;

/**
 * {@code PUT /register/{id}}, optional body {@code {"url":"http://host:port"}} (SPEC §3.2) → 200,
 * empty. Without a URL the node is reached at the request's source IP and the port this cluster's
 * distribute node listens on (the seed's rule; cairn's own nodes always send their URL).
 */
public final class RegisterRoute implements Route {
    private final DistributeService service;

    public RegisterRoute(DistributeService service) {
        this.service = service;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        NodeId id = NodeId.parse(ex.param("id"));
        byte[] body = ex.readBody(DistributeProtocol.MAX_REGISTER_BODY_BYTES);
        URI url;
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            String ip = ex.clientIp();
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            url = URI.create("http://" + host + ":" + service.defaultStoragePort());
        } else {
            JsonNode json;
            try {
                json = io.cairn.core.Json.MAPPER.readTree(body);
            } catch (tools.jackson.core.JacksonException e) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
            }
            JsonNode u = json == null ? null : json.get("url");
            if (json == null || !json.isObject() || (u != null && !u.isString())) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "expected {\"url\":\"http://host:port\"}");
            }
            if (u == null) {
                String ip = ex.clientIp();
                url = URI.create("http://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + service.defaultStoragePort());
            } else {
                url = NodeInfoCodec.url(u.stringValue());
            }
        }
        service.register(id, url);
        ex.respondEmpty(200);
    }
}
