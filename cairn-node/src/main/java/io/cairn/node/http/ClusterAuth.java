package io.cairn.node.http;

import io.cairn.core.Address;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks {@code Authorization: Bearer <cluster key>} on internal calls (SPEC §6). Both sides are
 * hashed before the constant-time comparison, so neither the key's bytes nor its length leak
 * through timing. A node without a key (started with --open) lets every call through.
 */
public final class ClusterAuth {
    private final byte[] expectedDigest;

    public ClusterAuth(String clusterKey) {
        this.expectedDigest = clusterKey == null ? null : digest("Bearer " + clusterKey);
    }

    public boolean open() {
        return expectedDigest == null;
    }

    /** True when the call carries the cluster key (or the cluster is open). */
    public boolean accepts(String authorizationHeader) {
        if (expectedDigest == null) {
            return true;
        }
        if (authorizationHeader == null || authorizationHeader.length() > 4096) {
            return false;
        }
        return MessageDigest.isEqual(expectedDigest, digest(authorizationHeader.strip()));
    }

    /** True only when a key is configured and the call carries it: such calls skip client rate limits. */
    public boolean provenInternal(String authorizationHeader) {
        return expectedDigest != null && accepts(authorizationHeader);
    }

    private static byte[] digest(String s) {
        MessageDigest sha = Address.sha256();
        return sha.digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
