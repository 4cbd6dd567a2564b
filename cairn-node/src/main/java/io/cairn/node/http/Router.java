package io.cairn.node.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a method and a decoded path to a {@link Route}. Patterns are literal segments and
 * {@code {name}} segments, each matching exactly one non-empty segment; nothing else (no
 * wildcards, no regular expressions), so a path can never reach a route it does not spell out.
 * One exception: a last segment {@code {name...}} matches the rest of the path, slashes included
 * and possibly empty (directory names may hold {@code /}; an empty one is the route's to refuse);
 * such a route reads the raw name itself.
 * Built once at start, read by every request without locks.
 */
public final class Router {
    /**
     * One route: its pattern doubles as its name in metrics. {@code headers} go on every answer
     * of the route, errors included (e.g. {@code X-Protocol: distribute-v1}, SPEC §3.2).
     */
    public record Entry(String method, String pattern, String[] segments, Route route, boolean internal,
                        Map<String, String> headers, int paramIndex, String paramName) {}

    /** What a request matched: a route, or the methods the path allows (405), or nothing (404). */
    public record Match(Entry entry, Map<String, String> params, Set<String> allowed) {}

    private final List<Entry> entries = new ArrayList<>();

    /** A public route. */
    public Router add(String method, String pattern, Route route) {
        return add(method, pattern, route, false);
    }

    /** A route that requires the cluster key (SPEC §6). */
    public Router addInternal(String method, String pattern, Route route) {
        return add(method, pattern, route, true);
    }

    /** A route whose every answer, errors included, carries {@code headers}. */
    public Router add(String method, String pattern, Route route, boolean internal, Map<String, String> headers) {
        return addEntry(method, pattern, route, internal, Map.copyOf(headers));
    }

    private Router add(String method, String pattern, Route route, boolean internal) {
        return addEntry(method, pattern, route, internal, Map.of());
    }

    private Router addEntry(String method, String pattern, Route route, boolean internal, Map<String, String> headers) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("pattern must start with /: " + pattern);
        }
        String[] segments = pattern.substring(1).split("/", -1);
        if (java.util.Arrays.stream(segments).filter(x -> x.startsWith("{")).count() > 1) {
            throw new IllegalArgumentException("at most one {parameter} per pattern: " + pattern);
        }
        int paramIndex = -1;
        String paramName = null;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].startsWith("{")) {
                paramIndex = i;
                paramName = segments[i].substring(1, segments[i].length() - (segments[i].endsWith("...}") ? 4 : 1));
            }
        }
        entries.add(new Entry(method, pattern, segments, route, internal, headers, paramIndex, paramName));
        return this;
    }

    public Match match(String method, String path) {
        if (path == null || !path.startsWith("/")) {
            return new Match(null, Map.of(), Set.of());
        }
        String[] parts = path.substring(1).split("/", -1);
        Set<String> allowed = null;
        for (Entry e : entries) {
            Map<String, String> params = bind(e, parts);
            if (params == null) {
                continue;
            }
            if (e.method.equals(method)) {
                return new Match(e, params, Set.of());
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(e.method);
        }
        return new Match(null, Map.of(), allowed == null ? Set.of() : allowed);
    }

    private static Map<String, String> bind(Entry entry, String[] parts) {
        String[] pattern = entry.segments;
        int last = pattern.length - 1;
        if (last >= 0 && last == entry.paramIndex && pattern[last].endsWith("...}")) {
            if (parts.length < pattern.length) {
                return null;
            }
            for (int i = 0; i < last; i++) {
                if (!pattern[i].equals(parts[i])) {
                    return null;
                }
            }
            String rest = String.join("/", java.util.Arrays.copyOfRange(parts, last, parts.length));
            return Map.of(entry.paramName, rest);
        }
        if (pattern.length != parts.length) {
            return null;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (i == entry.paramIndex) {
                if (parts[i].isEmpty()) {
                    return null;
                }
            } else if (!pattern[i].equals(parts[i])) {
                return null;
            }
        }
        return entry.paramIndex < 0 ? Map.of() : Map.of(entry.paramName, parts[entry.paramIndex]);
    }
}
