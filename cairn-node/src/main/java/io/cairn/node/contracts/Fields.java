package io.cairn.node.contracts;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.contracts.ContractCriteria;
import tools.jackson.databind.JsonNode;

/** Strict reads of JSON fields for the contract endpoints; every miss is a BAD_REQUEST naming the field. */
final class Fields {
    private Fields() {}

    static String string(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isString()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must be a string");
        }
        return v.stringValue();
    }

    static double number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must be a number");
        }
        return v.doubleValue();
    }

    static int integer(JsonNode o, String field, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must be an integer in [" + min + ", " + max + "]");
        }
        return v.intValue();
    }

    /** {@code size} (MB), {@code durationDays}, {@code availability} (%), {@code speedMbps}; validated. */
    static ContractCriteria criteria(JsonNode o) {
        return new ContractCriteria(number(o, "size"), number(o, "durationDays"), number(o, "availability"),
                number(o, "speedMbps"));
    }

    static void requireObject(JsonNode o) {
        if (!o.isObject()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "a JSON object is expected");
        }
    }
}
