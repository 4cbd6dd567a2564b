package io.cairn.core.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire form of an index, {@code GET /index} (SPEC §3.5), also the master's file on disk:
 *
 * <pre>
 * {"version": 7,
 *  "files": [{"path": "docs/a.txt", "size": 12, "mtime": 1763740800000, "mode": 420,
 *             "hash": "&lt;64 hex&gt;", "archiveSize": 40}, ...]}
 * </pre>
 *
 * <table>
 *   <caption>fields of a file entry</caption>
 *   <tr><th>field</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>path</td><td>string</td><td>{@link RepoPath} rules, relative to the repository root</td></tr>
 *   <tr><td>size</td><td>integer ≥ 0</td><td>bytes of content</td></tr>
 *   <tr><td>mtime</td><td>integer</td><td>last modification, milliseconds since the epoch</td></tr>
 *   <tr><td>mode</td><td>integer 0..511</td><td>permission bits (0644 is 420)</td></tr>
 *   <tr><td>hash</td><td>string</td><td>SHA-256 of the content, 64 lowercase hex</td></tr>
 *   <tr><td>archiveSize</td><td>integer ≥ -1</td><td>bytes of {@code [hash].gz}; -1 unknown; optional</td></tr>
 * </table>
 *
 * Decoding is for untrusted input: a malformed document is a BAD_REQUEST; a malformed entry is
 * set aside in {@link Decoded#refused()} with the reason, so the caller can refuse it alone.
 * Paths are not judged here (that is {@link RepoPath}'s job, done by whoever writes to disk), but
 * duplicate paths are refused after the first.
 */
public final class IndexCodec {
    /** At most this many entries are decoded; more is a TOO_LARGE. */
    public static final int MAX_FILES = 5_000_000;

    /** An index as received: its entries and the ones refused, with why. */
    public record Decoded(long version, List<IndexEntry> files, List<String> refused) {}

    private IndexCodec() {}

    public static byte[] encode(long version, List<IndexEntry> files) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", version);
        ArrayNode arr = root.putArray("files");
        for (IndexEntry e : files) {
            ObjectNode f = arr.addObject();
            f.put("path", e.path());
            f.put("size", e.size());
            f.put("mtime", e.mtime());
            f.put("mode", e.mode());
            f.put("hash", e.hash());
            f.put("archiveSize", e.archiveSize());
        }
        return Json.MAPPER.writeValueAsBytes(root);
    }

    public static byte[] encode(RepoIndex index) {
        return encode(index.version(), index.files());
    }

    public static Decoded decode(byte[] json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "malformed index JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "an index must be a JSON object");
        }
        JsonNode version = root.get("version");
        JsonNode files = root.get("files");
        if (version == null || !version.isIntegralNumber() || version.asLong() < 0 || !version.canConvertToLong()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "index without a valid \"version\"");
        }
        if (files == null || !files.isArray()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "index without a \"files\" array");
        }
        if (files.size() > MAX_FILES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "index with more than " + MAX_FILES + " files");
        }
        List<IndexEntry> out = new ArrayList<>(files.size());
        List<String> refused = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode f : files) {
            String problem = null;
            IndexEntry entry = null;
            try {
                entry = entry(f);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (entry != null && !seen.add(entry.path())) {
                problem = "duplicate path " + RepoPath.printable(entry.path());
                entry = null;
            }
            if (entry != null) {
                out.add(entry);
            } else {
                refused.add(problem);
            }
        }
        return new Decoded(version.asLong(), out, refused);
    }

    private static IndexEntry entry(JsonNode f) {
        if (!f.isObject()) {
            throw new IllegalArgumentException("entry is not an object");
        }
        JsonNode path = f.get("path");
        if (path == null || !path.isString()) {
            throw new IllegalArgumentException("entry without a string \"path\"");
        }
        JsonNode hash = f.get("hash");
        if (hash == null || !hash.isString()) {
            throw new IllegalArgumentException("entry " + RepoPath.printable(path.asString()) + " without a \"hash\"");
        }
        JsonNode archive = f.get("archiveSize");
        return new IndexEntry(path.asString(), integer(f, "size"), integer(f, "mtime"), (int) integer(f, "mode"),
                hash.asString(), archive == null || archive.isNull() ? -1 : integer(f, "archiveSize"));
    }

    private static long integer(JsonNode f, String field) {
        JsonNode n = f.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("entry without an integer \"" + field + "\"");
        }
        long v = n.asLong();
        if (field.equals("mode") && (v < 0 || v > IndexEntry.MODE_MASK)) {
            throw new IllegalArgumentException("mode out of range: " + v);
        }
        return v;
    }
}
