package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /internal/leases} body {@code {"addresses":[...],"expiresEpochSecond":<long>|"never"}}
 * → {@code {"renewed":<n>,"missing":[...]}}: raises each present block's lease to at least that
 * instant (leases only grow). At most {@link #MAX_ADDRESSES} addresses; every one is validated
 * before any lease changes, so a malformed batch changes nothing.
 */
public final class LeasesRoute implements Route {
    public static final int MAX_ADDRESSES = 10_000;
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final BlockStore store;

    public LeasesRoute(BlockStore store) {
        this.store = store;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(MAX_BODY_BYTES);
        JsonNode list = body.get("addresses");
        if (!body.isObject() || list == null || !list.isArray()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expected {\"addresses\":[...],\"expiresEpochSecond\":...}");
        }
        if (list.size() > MAX_ADDRESSES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "at most " + MAX_ADDRESSES + " addresses per batch");
        }
        Lease lease = lease(body.get("expiresEpochSecond"));
        List<Address> addresses = new ArrayList<>(list.size());
        for (JsonNode a : list) {
            if (!a.isString()) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "addresses must be strings");
            }
            addresses.add(Address.parse(a.stringValue()));
        }
        int renewed = 0;
        var reply = Json.MAPPER.createObjectNode();
        var missing = reply.putArray("missing");
        for (Address a : addresses) {
            if (store.renew(a, lease)) {
                renewed++;
            } else {
                missing.add(a.hex());
            }
        }
        reply.put("renewed", renewed);
        ex.respondJson(200, reply);
    }

    private static Lease lease(JsonNode v) {
        if (v != null && v.isString() && v.stringValue().equalsIgnoreCase("never")) {
            return Lease.NEVER;
        }
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expiresEpochSecond must be a non-negative integer or \"never\"");
        }
        return new Lease(v.longValue());
    }
}
