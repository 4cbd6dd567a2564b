package io.cairn.core.hummel;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.hummel.SyncPlan.Kind;
import io.cairn.core.hummel.SyncPlan.Local;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PlansTest {
    static String hash(int i) {
        return String.format("%064x", i);
    }

    @Test
    void buildPlanReadsOnlyChangedFiles() {
        Map<String, IndexEntry> prev = Map.of(
                "same", new IndexEntry("same", 10, 100, 0644, hash(1), 5),
                "chmod", new IndexEntry("chmod", 10, 100, 0644, hash(2), 5),
                "grown", new IndexEntry("grown", 10, 100, 0644, hash(3), 5),
                "touched", new IndexEntry("touched", 10, 100, 0644, hash(4), 5),
                "gone", new IndexEntry("gone", 10, 100, 0644, hash(5), 5));
        BuildPlan.Plan p = BuildPlan.plan(prev, List.of(
                new BuildPlan.Scanned("same", 10, 100, 0644),
                new BuildPlan.Scanned("chmod", 10, 100, 0600),
                new BuildPlan.Scanned("grown", 11, 100, 0644),
                new BuildPlan.Scanned("touched", 10, 101, 0644),
                new BuildPlan.Scanned("new", 1, 1, 0644)));
        assertThat(p.reused()).extracting(IndexEntry::path).containsExactly("same", "chmod");
        assertThat(p.reused().get(1).mode()).isEqualTo(0600);
        assertThat(p.toRead()).extracting(BuildPlan.Scanned::path).containsExactly("grown", "touched", "new");
        assertThat(p.bytesToRead()).isEqualTo(22);
    }

    @Test
    void syncPlanRefusesHostileEntriesAndKeepsTheRest() {
        List<IndexEntry> entries = List.of(
                new IndexEntry("/etc/passwd", 1, 1, 0644, hash(1), 1),
                new IndexEntry("../up", 1, 1, 0644, hash(1), 1),
                new IndexEntry("docs/../../x", 1, 1, 0644, hash(1), 1),
                new IndexEntry("link/evil", 1, 1, 0644, hash(1), 1),
                new IndexEntry("f", 1, 1, 0644, hash(1), 1),
                new IndexEntry("f/under-a-file", 1, 1, 0644, hash(1), 1),
                new IndexEntry("dir", 1, 1, 0644, hash(1), 1),
                new IndexEntry("ok/file", 1, 1, 0644, hash(2), 1));
        Map<String, Local> local = Map.of(
                "link", new Local(Kind.SYMLINK, 0, 0, 0777),
                "dir", new Local(Kind.DIRECTORY, 0, 0, 0755));
        SyncPlan.Plan p = SyncPlan.plan(entries, "", local, true);
        assertThat(p.fetch()).extracting(IndexEntry::path).containsExactly("f", "ok/file");
        assertThat(p.refused()).extracting(SyncPlan.Refusal::path)
                .containsExactlyInAnyOrder("/etc/passwd", "../up", "docs/../../x", "link/evil", "f/under-a-file", "dir");
        // The symlink itself is not an entry: delete removes the link (never what it points to).
        assertThat(p.delete()).contains("link");
    }

    @Test
    void syncPlanOnlyInsideTheSubtree() {
        List<IndexEntry> entries = List.of(new IndexEntry("docs/a", 1, 1, 0644, hash(1), 1),
                new IndexEntry("src/b", 1, 1, 0644, hash(2), 1));
        Map<String, Local> local = Map.of("docs/old", new Local(Kind.FILE, 1, 1, 0644),
                "docs", new Local(Kind.DIRECTORY, 0, 0, 0755));
        SyncPlan.Plan p = SyncPlan.plan(entries, "docs", local, true);
        assertThat(p.fetch()).extracting(IndexEntry::path).containsExactly("docs/a");
        assertThat(p.refused()).extracting(SyncPlan.Refusal::path).containsExactly("src/b");
        assertThat(p.delete()).containsExactly("docs/old");
    }

    /**
     * Model check: for random indexes and random local trees, applying the plan to a model of the
     * disk gives exactly the index (for valid entries), and planning again finds nothing to do.
     */
    @Test
    void applyingThePlanConvergesAndIsIdempotent() {
        long seed = 6003;
        Random r = new Random(seed);
        String[] names = {"a", "b", "c", "d/e", "d/f", "g/h/i", "g/h/j", "k"};
        for (int round = 0; round < 500; round++) {
            List<IndexEntry> entries = new ArrayList<>();
            for (String n : names) {
                if (r.nextInt(3) > 0) {
                    entries.add(new IndexEntry(n, r.nextInt(3), r.nextInt(3), r.nextBoolean() ? 0644 : 0600, hash(r.nextInt(4)), 1));
                }
            }
            Map<String, Local> disk = new TreeMap<>();
            for (String n : names) {
                if (r.nextInt(3) == 0) {
                    put(disk, n, new Local(Kind.FILE, r.nextInt(3), r.nextInt(3), 0644));
                }
            }
            if (r.nextBoolean()) {
                put(disk, "old/x", new Local(Kind.FILE, 1, 1, 0644));
            }
            SyncPlan.Plan plan = SyncPlan.plan(entries, "", disk, true);
            assertThat(plan.refused()).as("seed %d round %d", seed, round).isEmpty();
            for (String d : plan.delete()) {
                disk.remove(d);
            }
            for (IndexEntry e : plan.fetch()) {
                put(disk, e.path(), new Local(Kind.FILE, e.size(), e.mtime(), e.mode()));
            }
            for (IndexEntry e : plan.chmod()) {
                put(disk, e.path(), new Local(Kind.FILE, e.size(), e.mtime(), e.mode()));
            }
            Map<String, Local> files = new TreeMap<>();
            disk.forEach((k, v) -> {
                if (v.kind() == Kind.FILE) {
                    files.put(k, v);
                }
            });
            Map<String, Local> expected = new TreeMap<>();
            for (IndexEntry e : entries) {
                expected.put(e.path(), new Local(Kind.FILE, e.size(), e.mtime(), e.mode()));
            }
            assertThat(files).as("seed %d round %d", seed, round).isEqualTo(expected);
            SyncPlan.Plan again = SyncPlan.plan(entries, "", disk, true);
            assertThat(again.nothingToDo()).as("seed %d round %d: %s", seed, round, again).isTrue();
            assertThat(again.unchanged()).isEqualTo(entries.size());
        }
    }

    private static void put(Map<String, Local> disk, String path, Local l) {
        for (String a : RepoPath.ancestors(path)) {
            disk.put(a, new Local(Kind.DIRECTORY, 0, 0, 0755));
        }
        disk.put(path, l);
    }

    @Test
    void quotaKeepsTheSmallestAndDropsWhatNoLongerFits() {
        Map<String, Long> archives = new HashMap<>(Map.of(hash(1), 100L, hash(2), 10L, hash(3), 50L, hash(4), 1000L));
        QuotaPlan.Decision d = QuotaPlan.decide(archives, Set.of(), 200);
        assertThat(d.replicate()).containsExactly(hash(2), hash(3), hash(1));
        assertThat(d.chosenBytes()).isEqualTo(160);
        QuotaPlan.Decision held = QuotaPlan.decide(archives, Set.of(hash(4), hash(2), hash(9)), 200);
        assertThat(held.replicate()).containsExactly(hash(3), hash(1));
        assertThat(held.drop()).containsExactly(hash(4), hash(9));
        assertThat(QuotaPlan.decide(archives, Set.of(), 0).replicate()).hasSize(4);
    }

    @Test
    void quotaNeverExceededForRandomInputs() {
        long seed = 6004;
        Random r = new Random(seed);
        for (int round = 0; round < 1000; round++) {
            Map<String, Long> archives = new HashMap<>();
            int n = r.nextInt(30);
            for (int i = 0; i < n; i++) {
                archives.put(hash(i), (long) r.nextInt(1000));
            }
            Set<String> held = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                if (r.nextInt(4) == 0) {
                    held.add(hash(i));
                }
            }
            long quota = 1 + r.nextInt(5000);
            QuotaPlan.Decision d = QuotaPlan.decide(archives, held, quota);
            Set<String> after = new HashSet<>(held);
            d.drop().forEach(after::remove);
            after.addAll(d.replicate());
            long bytes = after.stream().mapToLong(h -> archives.getOrDefault(h, 0L)).sum();
            assertThat(bytes).as("seed %d round %d", seed, round).isLessThanOrEqualTo(quota).isEqualTo(d.chosenBytes());
            assertThat(archives.keySet()).as("seed %d round %d", seed, round).containsAll(after);
            // Anything left out is at least as large as everything kept.
            long largestKept = after.stream().mapToLong(archives::get).max().orElse(0);
            for (Map.Entry<String, Long> e : archives.entrySet()) {
                if (!after.contains(e.getKey())) {
                    assertThat(e.getValue()).as("seed %d round %d", seed, round).isGreaterThanOrEqualTo(largestKept);
                }
            }
        }
    }

    @Test
    void rangesCoverTheArchiveExactly() {
        long seed = 6005;
        Random r = new Random(seed);
        for (int round = 0; round < 1000; round++) {
            long total = r.nextInt(3) == 0 ? r.nextInt(100) : r.nextLong(1L << 34);
            int sources = 1 + r.nextInt(5);
            long min = 1 + r.nextInt(1 << 23);
            List<RangeSplit.Piece> pieces = RangeSplit.split(total, sources, min);
            long next = 0;
            for (RangeSplit.Piece p : pieces) {
                assertThat(p.start()).as("seed %d round %d", seed, round).isEqualTo(next);
                assertThat(p.length()).isPositive();
                next += p.length();
            }
            assertThat(next).as("seed %d round %d", seed, round).isEqualTo(total);
            assertThat(pieces.size()).isLessThanOrEqualTo(Math.max(1, sources * RangeSplit.PIECES_PER_SOURCE));
        }
    }
}
