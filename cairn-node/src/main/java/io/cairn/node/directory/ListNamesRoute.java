package io.cairn.node.directory;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;

/**
 * {@code GET /names?prefix=&limit=&after=} (SPEC §3.4): a page of names in name order (UTF-8
 * bytes, unsigned) across the cluster → {@code {"entries":[{"name","address","size","updatedAt"}],
 * "next":"<name>"|null}}; {@code updatedAt} is epoch milliseconds. Pass {@code next} as
 * {@code after} for the next page; {@code null} means the end. {@code limit} is 1..1000
 * (default 1000). How pages are merged: {@link ListMerge}.
 */
final class ListNamesRoute implements Route {
    static final int MAX_LIMIT = 1000;
    /** Longest prefix or cursor accepted, in characters (a name's URL form is at most 3072). */
    static final int MAX_PARAM_CHARS = 4096;

    private final Directory directory;

    ListNamesRoute(Directory directory) {
        this.directory = directory;
    }

    @Override
    public void handle(Exchange ex) {
        int limit = limit(ex.query("limit"), MAX_LIMIT);
        String prefix = param(ex.query("prefix"), "prefix");
        String after = param(ex.query("after"), "after");
        ListMerge.Page page = directory.list(prefix, after == null || after.isEmpty() ? null : after, limit);
        var reply = Json.MAPPER.createObjectNode();
        var entries = reply.putArray("entries");
        for (NameRecord r : page.entries()) {
            var e = entries.addObject();
            e.put("name", r.entry().name().value());
            e.put("address", r.entry().address().hex());
            e.put("size", r.entry().size());
            e.put("updatedAt", r.entry().updatedAt().toEpochMilli());
        }
        if (page.next() == null) {
            reply.putNull("next");
        } else {
            reply.put("next", page.next());
        }
        ex.respondJson(200, reply);
    }

    static int limit(String raw, int max) {
        if (raw == null || raw.isEmpty()) {
            return max;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= 1 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CairnException(ErrorCode.BAD_REQUEST, "limit must be 1.." + max);
    }

    static String param(String v, String what) {
        if (v != null && v.length() > MAX_PARAM_CHARS) {
            throw new CairnException(ErrorCode.BAD_REQUEST, what + " is longer than " + MAX_PARAM_CHARS + " characters");
        }
        return v;
    }
}
