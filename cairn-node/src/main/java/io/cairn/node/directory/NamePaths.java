package io.cairn.node.directory;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.names.Name;

/**
 * Reads the name out of a {@code /names/...} request path. Pure.
 *
 * <p>The name is decoded from the raw (still percent-encoded) path with
 * {@link Name#fromUrlPath}: {@code %2F} and {@code /} both mean {@code /}; invalid UTF-8,
 * control characters, an empty name or one over 1024 bytes are a 400. A name with a {@code .}
 * or {@code ..} segment is refused in URLs (400): HTTP clients and servers normalise such
 * segments away (RFC 3986 §5.2.4), so {@code /names/a/../b} could never mean the name
 * {@code a/../b} reliably; and refusing them means no request path can be read as a traversal.
 */
final class NamePaths {
    static final String PREFIX = "/names/";

    private NamePaths() {}

    static Name fromRawPath(String rawPath) {
        if (rawPath == null || !rawPath.startsWith(PREFIX)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "not a /names/ path");
        }
        Name name = Name.fromUrlPath(rawPath.substring(PREFIX.length()));
        for (String segment : name.value().split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new CairnException(ErrorCode.BAD_REQUEST,
                        "a name in a URL must not have '.' or '..' segments (clients normalise them away)");
            }
        }
        return name;
    }

    static String location(java.net.URI node, Name name, String rawQuery) {
        String base = node.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + PREFIX + name.toUrlPath() + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
