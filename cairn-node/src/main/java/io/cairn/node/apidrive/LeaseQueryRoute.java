package io.cairn.node.apidrive;

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
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /internal/leases/query} (internal, SPEC §6) body {@code {"addresses":[≤10,000]}} →
 * {@code {"leases":{"<address>":<expiresEpochSecond>|"never", ...}}}, listing only the blocks this
 * node holds with a live lease. Asked by another replica's lease keeper before it lets a block
 * expire. Read-only; every address is validated before any is looked up.
 */
final class LeaseQueryRoute implements Route {
    static final String PATH = "/internal/leases/query";
    static final int MAX_ADDRESSES = 10_000;
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final BlockStore store;

    LeaseQueryRoute(BlockStore store) {
        this.store = store;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        JsonNode body = ex.readJson(MAX_BODY_BYTES);
        JsonNode list = body.get("addresses");
        if (!body.isObject() || list == null || !list.isArray()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expected {\"addresses\":[...]}");
        }
        if (list.size() > MAX_ADDRESSES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "at most " + MAX_ADDRESSES + " addresses per query");
        }
        List<Address> addresses = new ArrayList<>(list.size());
        for (JsonNode a : list) {
            if (!a.isString()) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "addresses must be strings");
            }
            addresses.add(Address.parse(a.stringValue()));
        }
        var reply = Json.MAPPER.createObjectNode();
        var leases = reply.putObject("leases");
        for (Address a : addresses) {
            Optional<Lease> lease = store.lease(a);
            if (lease.isPresent()) {
                if (lease.get().isNever()) {
                    leases.put(a.hex(), "never");
                } else {
                    leases.put(a.hex(), lease.get().expiresEpochSecond());
                }
            }
        }
        ex.respondJson(200, reply);
    }
}
