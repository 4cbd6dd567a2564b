package io.cairn.core.hummel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an incremental build must read (SPEC §3.5: unchanged files are not compressed again).
 *
 * <p>Rule: a scanned file whose path, size and mtime equal its entry in the previous index keeps
 * that entry's hash and archive (its mode is taken from the scan, since a chmod does not change
 * the mtime); every other file is read, hashed and, when its hash has no archive yet, compressed.
 * Size + mtime is the same quick check rsync and make use: a write that keeps both (possible with
 * coarse clocks or tools that restore mtimes) goes unseen until the next change. Files of the
 * previous index that the scan did not find simply do not appear in the new one.
 */
public final class BuildPlan {
    /** A regular file as the scan found it. */
    public record Scanned(String path, long size, long mtime, int mode) {}

    /** Entries carried over as they were, and files to read. Both keep the scan's order. */
    public record Plan(List<IndexEntry> reused, List<Scanned> toRead) {
        public long bytesToRead() {
            long t = 0;
            for (Scanned s : toRead) {
                t += s.size();
            }
            return t;
        }
    }

    private BuildPlan() {}

    public static Plan plan(Map<String, IndexEntry> previous, List<Scanned> scanned) {
        List<IndexEntry> reused = new ArrayList<>();
        List<Scanned> toRead = new ArrayList<>();
        for (Scanned s : scanned) {
            IndexEntry old = previous.get(s.path());
            if (old != null && old.size() == s.size() && old.mtime() == s.mtime()) {
                reused.add(old.mode() == s.mode() ? old : old.withMode(s.mode()));
            } else {
                toRead.add(s);
            }
        }
        return new Plan(reused, toRead);
    }
}
