package io.cairn.node.contracts;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.contracts.ContractCriteria;
import io.cairn.core.contracts.ContractTopic;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Router;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The contract endpoints (SPEC §3.6); see cairn-node/README.md for their table. */
final class ContractRoutes {
    static final int MAX_BODY_BYTES = 4096;

    private final ContractBook book;
    private final ContractHolder holder;

    private ContractRoutes(ContractBook book, ContractHolder holder) {
        this.book = book;
        this.holder = holder;
    }

    static Router register(Router router, ContractBook book, ContractHolder holder) {
        ContractRoutes r = new ContractRoutes(book, holder);
        return router
                .add("POST", "/contracts", r::create)
                .add("GET", "/contracts/topic", r::topic)
                .add("GET", "/contracts/{id}", r::describe)
                .addInternal("POST", ContractBook.OFFER_PATH, r::offer)
                .addInternal("POST", ContractBook.ACCEPT_PATH, r::accept)
                .addInternal("POST", ContractBook.AUDIT_PATH, r::audit);
    }

    private static JsonNode body(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(MAX_BODY_BYTES);
        Fields.requireObject(body);
        return body;
    }

    private void create(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Address address = Address.parse(Fields.string(body, "address"));
        ContractCriteria criteria = Fields.criteria(body);
        int replicas = Fields.integer(body, "replicas", 1, ContractBook.MAX_REPLICAS);
        ContractBook.Contract c = book.create(address, criteria, replicas);
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("id", c.terms.contract());
        reply.put("topic", c.topic);
        ex.respondJson(202, reply);
    }

    /** {@code GET /contracts/topic?size=&durationDays=&availability=&speedMbps=}: the topic function over HTTP. */
    private void topic(Exchange ex) {
        ContractCriteria criteria = ContractCriteria.parse(ex.query("size"), ex.query("durationDays"),
                ex.query("availability"), ex.query("speedMbps"));
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("topic", ContractTopic.of(criteria).hex());
        ex.respondJson(200, reply);
    }

    private void describe(Exchange ex) {
        String id = ex.param("id");
        ObjectNode o = book.describe(id).orElseThrow(() ->
                new CairnException(ErrorCode.NOT_FOUND, "no contract " + id + " was published on this node"));
        ex.respondJson(200, o);
    }

    private void offer(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        boolean accepted = book.offer(Fields.string(body, "contract"), NodeId.parse(Fields.string(body, "node")));
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("accepted", accepted);
        ex.respondJson(200, reply);
    }

    private void accept(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        ContractIds.check(Fields.string(body, "contract"));
        Address address = Address.parse(Fields.string(body, "address"));
        double sizeMb = Fields.number(body, "size");
        JsonNode expires = body.get("expiresEpochSecond");
        if (expires == null || !expires.isIntegralNumber() || !expires.canConvertToLong() || expires.longValue() < 0) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expiresEpochSecond must be a non-negative integer");
        }
        long bytes = holder.accept(address, sizeMb, expires.longValue());
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("stored", true);
        reply.put("bytes", bytes);
        ex.respondJson(200, reply);
    }

    private void audit(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        ContractIds.check(Fields.string(body, "contract"));
        Address address = Address.parse(Fields.string(body, "address"));
        byte[] nonce = Hex.decode(Fields.string(body, "nonce"), ContractBook.NONCE_BYTES, "nonce");
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.put("proof", holder.audit(address, nonce));
        ex.respondJson(200, reply);
    }
}
