package io.cairn.core.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * The one rule for a path inside a repository, applied by the master to what it indexes and by
 * {@code cairn sync} to every index entry before it touches the disk (SPEC §3.5, §6: a sync never
 * writes outside its target directory).
 *
 * <p>A repository path is relative, {@code /}-separated, and made of segments that are not empty,
 * not {@code .} and not {@code ..}; it has no NUL or other control character (U+0000–U+001F,
 * U+007F), at most {@link #MAX_BYTES} UTF-8 bytes in all and {@link #MAX_SEGMENT_BYTES} per
 * segment (the Linux limits). Such a path, resolved under a directory, can only name something
 * under that directory — unless a segment on disk is a symlink, which the sync checks separately
 * because that needs the disk. No normalisation (Unicode or case) is applied: bytes are names.
 */
public final class RepoPath {
    public static final int MAX_BYTES = 4096;
    public static final int MAX_SEGMENT_BYTES = 255;

    private RepoPath() {}

    /** Why {@code path} is not a valid repository path, or null when it is. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.charAt(0) == '/') {
            return "absolute path";
        }
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return "path longer than " + MAX_BYTES + " bytes";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control character in path";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < path.length()
                        && Character.isLowSurrogate(path.charAt(i + 1));
                if (!paired) {
                    return "unpaired surrogate in path";
                }
                i++;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "empty segment in path";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "'" + segment + "' segment in path";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "path segment longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }

    public static boolean valid(String path) {
        return problem(path) == null;
    }

    /** {@code path} itself when valid, else a BAD_REQUEST naming the broken rule. */
    public static String require(String path) {
        String p = problem(path);
        if (p != null) {
            throw new CairnException(ErrorCode.BAD_REQUEST, p + ": " + printable(path));
        }
        return path;
    }

    /**
     * The subtree a caller asked for, as a repository path, or "" for the whole repository (null,
     * empty or "/"). Leading and trailing slashes are dropped; anything else must be valid.
     */
    public static String subtree(String asked) {
        if (asked == null) {
            return "";
        }
        String s = asked;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? "" : require(s);
    }

    /** True when {@code path} is {@code subtree} or below it; everything is under "". */
    public static boolean isUnder(String path, String subtree) {
        return subtree.isEmpty() || path.equals(subtree)
                || (path.length() > subtree.length() && path.startsWith(subtree) && path.charAt(subtree.length()) == '/');
    }

    /** The proper ancestors of a path, shortest first: "a/b/c" → ["a", "a/b"]. */
    public static java.util.List<String> ancestors(String path) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            out.add(path.substring(0, i));
        }
        return out;
    }

    /** The path with control characters escaped, for messages. */
    public static String printable(String path) {
        if (path == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.length() && b.length() < 300; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
