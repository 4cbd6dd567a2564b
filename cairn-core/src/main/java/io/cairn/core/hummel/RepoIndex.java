package io.cairn.core.hummel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of a repository's index: every file, sorted by path (compared as Java strings, i.e.
 * by UTF-16 code units; any fixed order would do, this one is cheap and stable). Immutable; the
 * master swaps a whole new one in when a build completes.
 *
 * @param version increases by one per successful build; 0 is the empty index before any build
 */
public record RepoIndex(long version, List<IndexEntry> files) {
    public static final RepoIndex EMPTY = new RepoIndex(0, List.of());

    public RepoIndex {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0");
        }
        List<IndexEntry> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(IndexEntry::path));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).path().equals(sorted.get(i - 1).path())) {
                throw new IllegalArgumentException("duplicate path in index: " + RepoPath.printable(sorted.get(i).path()));
            }
        }
        files = List.copyOf(sorted);
    }

    /** The entries at or below {@code subtree} ("" for all). */
    public List<IndexEntry> subtree(String subtree) {
        if (subtree.isEmpty()) {
            return files;
        }
        return files.stream().filter(e -> RepoPath.isUnder(e.path(), subtree)).toList();
    }

    public Map<String, IndexEntry> byPath() {
        Map<String, IndexEntry> m = new LinkedHashMap<>();
        for (IndexEntry e : files) {
            m.put(e.path(), e);
        }
        return m;
    }

    public long totalBytes() {
        long t = 0;
        for (IndexEntry e : files) {
            t += e.size();
        }
        return t;
    }

    /** The distinct content hashes with their archive sizes (largest known size wins). */
    public Map<String, Long> archives() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (IndexEntry e : files) {
            m.merge(e.hash(), e.archiveSize(), Math::max);
        }
        return m;
    }
}
