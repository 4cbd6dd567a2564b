package io.cairn.node.contracts;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.contracts.ContractCriteria;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A contract as published under its topic: what a storage node reads to decide whether to offer.
 *
 * <pre>
 * | field              | type   | meaning                                              |
 * |--------------------|--------|------------------------------------------------------|
 * | contract           | 32 hex | the contract's id at the publisher                   |
 * | publisher          | 64 hex | the publisher's node ID: offers go to it             |
 * | address            | 64 hex | the block (or file manifest) to hold                 |
 * | size               | number | MB (10^6 bytes), as POST /contracts took it          |
 * | durationDays       | number |                                                      |
 * | availability       | number | percent                                              |
 * | speedMbps          | number |                                                      |
 * | expiresEpochSecond | long   | when the contract ends: the holder's lease           |
 * </pre>
 */
record ContractOffer(String contract, NodeId publisher, Address address, ContractCriteria criteria,
                     long expiresEpochSecond) {

    String toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("contract", contract);
        o.put("publisher", publisher.hex());
        o.put("address", address.hex());
        o.put("size", criteria.sizeMb());
        o.put("durationDays", criteria.durationDays());
        o.put("availability", criteria.availabilityPct());
        o.put("speedMbps", criteria.speedMbps());
        o.put("expiresEpochSecond", expiresEpochSecond);
        return Json.MAPPER.writeValueAsString(o);
    }

    static ContractOffer fromJson(String json) {
        JsonNode o = Json.MAPPER.readTree(json);
        if (!o.isObject()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "a contract is a JSON object");
        }
        JsonNode expires = o.get("expiresEpochSecond");
        if (expires == null || !expires.isIntegralNumber() || !expires.canConvertToLong()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "expiresEpochSecond must be an integer");
        }
        return new ContractOffer(ContractIds.check(Fields.string(o, "contract")),
                NodeId.parse(Fields.string(o, "publisher")), Address.parse(Fields.string(o, "address")),
                Fields.criteria(o), expires.longValue());
    }
}
