package io.cairn.node.hummel;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.http.Exchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code X-HUMMEL-TOKEN} against one expected secret (SPEC §6: the write and slave tokens are
 * separate; a wrong one is 401). Both sides are hashed before a constant-time comparison, so the
 * token's bytes and length do not leak through timing.
 */
final class TokenCheck {
    static final String HEADER = "X-HUMMEL-TOKEN";

    private final byte[] expected;
    private final String what;

    TokenCheck(String token, String what) {
        this.expected = digest(token);
        this.what = what;
    }

    void require(Exchange ex) {
        String given = ex.header(HEADER);
        if (given == null || given.length() > 4096 || !MessageDigest.isEqual(expected, digest(given.strip()))) {
            throw new CairnException(ErrorCode.UNAUTHORIZED, (given == null ? "missing " : "wrong ") + HEADER + " (" + what + ")");
        }
    }

    private static byte[] digest(String s) {
        return Address.sha256().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
