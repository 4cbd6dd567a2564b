package io.cairn.node.contracts;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import java.util.random.RandomGenerator;

/** Contract ids: 32 lowercase hex characters (128 random bits). */
final class ContractIds {
    private ContractIds() {}

    static String random(RandomGenerator random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Hex.encode(b);
    }

    static String check(String id) {
        if (id == null || id.length() != 32 || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "a contract id is 32 lowercase hex characters");
        }
        return id;
    }
}
