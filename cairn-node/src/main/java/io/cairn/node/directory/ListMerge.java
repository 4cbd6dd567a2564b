package io.cairn.node.directory;

import io.cairn.core.names.Name;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the pages of {@code GET /names} that every alive node returned from its own records
 * into one page for the whole cluster. Pure.
 *
 * <p><b>What.</b> Each node returns up to {@code limit} of its records (tombstones included) in
 * name order after the cursor. Every record lives on R nodes, so each node's page overlaps the
 * others'; the merge keeps, per name, the winning record ({@link NameRecord#merge}), drops names
 * whose winner is a tombstone or expired, and returns the first {@code limit} live names.
 *
 * <p><b>Why it is complete.</b> A node whose page is full ({@code limit} records) may hold more
 * names after its last one, so names beyond the smallest such "last name" (the bound B) are not
 * yet known completely and are left for the next page. Below B every node has reported every
 * name it holds, so no name present on any answering node is skipped. The cursor ({@code next})
 * is the last name examined; the next page starts strictly after it. Names added concurrently
 * appear on a later page if they sort after the cursor and never shift what was already paged:
 * pages are ordered by name, not by position, so there are no duplicates and no gaps.
 *
 * <p>A page may hold fewer than {@code limit} entries (names whose winner is a tombstone take a
 * slot in some node's page); {@code next == null} means the listing is complete.
 */
final class ListMerge {
    private ListMerge() {}

    /** The merged page. */
    record Page(List<NameRecord> entries, String next) {}

    static Page merge(List<List<NameRecord>> pages, int limit, Instant now) {
        String bound = null;
        TreeMap<Name, NameRecord> merged = new TreeMap<>();
        for (List<NameRecord> page : pages) {
            if (page.size() >= limit && !page.isEmpty()) {
                Name last = page.getLast().entry().name();
                if (bound == null || last.compareTo(Name.of(bound)) < 0) {
                    bound = last.value();
                }
            }
            for (NameRecord r : page) {
                merged.merge(r.entry().name(), r, NameRecord::merge);
            }
        }
        Name boundName = bound == null ? null : Name.of(bound);
        List<NameRecord> out = new ArrayList<>(Math.min(limit, merged.size()));
        Name lastExamined = null;
        boolean more = false;
        for (Map.Entry<Name, NameRecord> e : merged.entrySet()) {
            if (boundName != null && e.getKey().compareTo(boundName) > 0) {
                more = true;
                break;
            }
            if (out.size() == limit) {
                more = true;
                break;
            }
            lastExamined = e.getKey();
            if (e.getValue().resolvable(now)) {
                out.add(e.getValue());
            }
        }
        if (boundName != null && !more) {
            // Every merged name is at or below B, but some node may hold more after B.
            more = true;
            lastExamined = boundName;
        }
        return new Page(out, more && lastExamined != null ? lastExamined.value() : null);
    }
}
