package io.cairn.node.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.hummel.IndexEntry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Strict readers for the fields of repository requests; anything off is a BAD_REQUEST. */
final class Bodies {
    /** Bodies that carry hash lists: about a million hashes. */
    static final int MAX_HASHLIST_BODY = 64 * 1024 * 1024;
    static final int MAX_SMALL_BODY = 64 * 1024;
    static final int MAX_ID_CHARS = 128;

    private Bodies() {}

    static List<String> hashes(JsonNode body) {
        JsonNode a = body.get("hashes");
        if (a == null || !a.isArray()) {
            throw bad("\"hashes\" must be an array of SHA-256 hex strings");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode h : a) {
            String s = h.isString() ? h.asString().toLowerCase(java.util.Locale.ROOT) : null;
            if (!IndexEntry.isHash(s)) {
                throw bad("not a SHA-256 hex string in \"hashes\": " + abbreviate(String.valueOf(h)));
            }
            out.add(s);
        }
        return out;
    }

    static String id(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isString() || n.asString().isEmpty() || n.asString().length() > MAX_ID_CHARS
                || !n.asString().chars().allMatch(c -> c > ' ' && c < 127)) {
            throw bad("\"" + field + "\" must be 1.." + MAX_ID_CHARS + " printable ASCII characters");
        }
        return n.asString();
    }

    static URI url(JsonNode body) {
        JsonNode n = body.get("url");
        if (n == null || !n.isString()) {
            throw bad("\"url\" must be the slave's http URL");
        }
        try {
            URI u = new URI(n.asString());
            if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
                throw bad("\"url\" must look like http://host:port");
            }
            return URI.create("http://" + u.getHost() + ":" + u.getPort());
        } catch (java.net.URISyntaxException e) {
            throw bad("\"url\" is not a URL");
        }
    }

    static long nonNegative(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw bad("\"" + field + "\" must be a non-negative integer");
        }
        return n.asLong();
    }

    static CairnException bad(String message) {
        return new CairnException(ErrorCode.BAD_REQUEST, message);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
