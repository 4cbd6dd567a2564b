package io.cairn.core.hummel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code cairn sync} does to a target directory, decided without touching it (SPEC §3.5).
 *
 * <p>Inputs: the index entries of the subtree (from a master that may be hostile), and what the
 * target holds under that subtree as a non-following walk saw it (kind, size, mtime, mode per
 * relative path). Output: files to fetch, files whose only change is their mode, paths to delete
 * (with {@code --delete}), entries refused and why, and the count left alone.
 *
 * <p>Rules, in order, per entry:
 * <ol>
 *   <li>refused: the path breaks {@link RepoPath} (absolute, {@code ..}, control characters, ...),
 *       lies outside the subtree asked for, or has an ancestor that is itself an index entry (a
 *       file cannot be a directory);</li>
 *   <li>refused: an ancestor is, on disk, a symlink (it could lead out of the target) or another
 *       non-directory;</li>
 *   <li>refused: the path is, on disk, a directory (the sync does not delete a directory to put
 *       a file there);</li>
 *   <li>unchanged: a regular file with the entry's size and mtime (the quick check; the sync
 *       sets mtime itself, so this holds after every sync) — with a different mode it is only
 *       chmod-ed;</li>
 *   <li>otherwise fetched: missing, different, or a symlink/special file to be replaced (the
 *       rename replaces the link itself, never its target).</li>
 * </ol>
 * With delete, every local path under the subtree that is not an entry and not an ancestor
 * directory of one is deleted, deepest first (so a directory after its content). A refused entry
 * counts as absent: its local file, if any, is deleted too.
 */
public final class SyncPlan {
    public enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    /** One path of the target as a walk that does not follow links saw it. */
    public record Local(Kind kind, long size, long mtime, int mode) {}

    public record Refusal(String path, String reason) {}

    public record Plan(List<IndexEntry> fetch, List<IndexEntry> chmod, List<String> delete,
                       List<Refusal> refused, int unchanged) {
        public long fetchBytes() {
            long t = 0;
            for (IndexEntry e : fetch) {
                t += e.size();
            }
            return t;
        }

        public boolean nothingToDo() {
            return fetch.isEmpty() && chmod.isEmpty() && delete.isEmpty();
        }
    }

    private SyncPlan() {}

    public static Plan plan(List<IndexEntry> entries, String subtree, Map<String, Local> local, boolean delete) {
        Set<String> entryPaths = new HashSet<>();
        for (IndexEntry e : entries) {
            entryPaths.add(e.path());
        }
        List<IndexEntry> fetch = new ArrayList<>();
        List<IndexEntry> chmod = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        int unchanged = 0;
        for (IndexEntry e : entries) {
            String reason = refusal(e.path(), subtree, entryPaths, local);
            if (reason != null) {
                refused.add(new Refusal(RepoPath.printable(e.path()), reason));
                continue;
            }
            kept.add(e.path());
            Local here = local.get(e.path());
            if (here != null && here.kind() == Kind.FILE && here.size() == e.size() && here.mtime() == e.mtime()) {
                if (here.mode() != e.mode()) {
                    chmod.add(e);
                } else {
                    unchanged++;
                }
            } else {
                fetch.add(e);
            }
        }
        List<String> deletions = new ArrayList<>();
        if (delete) {
            Set<String> neededDirs = new HashSet<>();
            for (String p : kept) {
                neededDirs.addAll(RepoPath.ancestors(p));
            }
            for (Map.Entry<String, Local> l : local.entrySet()) {
                String p = l.getKey();
                if (kept.contains(p) || !RepoPath.isUnder(p, subtree) || p.equals(subtree) && l.getValue().kind() == Kind.DIRECTORY) {
                    continue;
                }
                if (l.getValue().kind() == Kind.DIRECTORY && neededDirs.contains(p)) {
                    continue;
                }
                deletions.add(p);
            }
            // Deepest first, so that a directory comes after everything in it.
            deletions.sort(Comparator.comparingInt((String p) -> depth(p)).reversed().thenComparing(Comparator.naturalOrder()));
        }
        return new Plan(fetch, chmod, deletions, refused, unchanged);
    }

    private static String refusal(String path, String subtree, Set<String> entryPaths, Map<String, Local> local) {
        String problem = RepoPath.problem(path);
        if (problem != null) {
            return problem;
        }
        if (!RepoPath.isUnder(path, subtree)) {
            return "outside the subtree asked for";
        }
        for (String a : RepoPath.ancestors(path)) {
            if (entryPaths.contains(a)) {
                return "its ancestor " + RepoPath.printable(a) + " is a file in the index";
            }
            Local l = local.get(a);
            if (l != null && l.kind() == Kind.SYMLINK) {
                return "would pass through the symlink " + RepoPath.printable(a);
            }
            if (l != null && l.kind() != Kind.DIRECTORY) {
                return "its ancestor " + RepoPath.printable(a) + " is not a directory here";
            }
        }
        Local here = local.get(path);
        if (here != null && here.kind() == Kind.DIRECTORY) {
            return "a directory is in the way";
        }
        return null;
    }

    private static int depth(String p) {
        int d = 0;
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '/') {
                d++;
            }
        }
        return d;
    }
}
