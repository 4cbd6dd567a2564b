package io.cairn.core.hummel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a slave should fetch and drop, given its quota (SPEC §3.5: a slave mirrors all of a
 * repository, or what fits its quota). Decided by the master on every {@code /slave/hashlist}.
 *
 * <p>Rule: the repository's archives are taken smallest first (ties by hash, so every run agrees)
 * and kept while their sizes add up to at most the quota; what does not fit is left out, so the
 * largest archives are the first left out. Smallest-first serves the most files per byte, and a
 * client that finds no slave for an archive fetches it from the master. Archives the slave holds
 * that the repository no longer has, or that fall outside the chosen set (the quota shrank or
 * the repository grew), are dropped. An archive of unknown size (-1) counts as 0 bytes until its
 * size is known. Quota 0 means no limit.
 */
public final class QuotaPlan {
    public record Decision(List<String> replicate, List<String> drop, long chosenBytes) {}

    private QuotaPlan() {}

    public static Decision decide(Map<String, Long> archives, Set<String> held, long quotaBytes) {
        List<Map.Entry<String, Long>> bySize = new ArrayList<>(archives.entrySet());
        bySize.sort(Comparator.comparingLong((Map.Entry<String, Long> e) -> Math.max(0, e.getValue()))
                .thenComparing(Map.Entry::getKey));
        java.util.Set<String> chosen = new java.util.HashSet<>();
        long total = 0;
        for (Map.Entry<String, Long> e : bySize) {
            long size = Math.max(0, e.getValue());
            if (quotaBytes > 0 && total + size > quotaBytes) {
                break;
            }
            total += size;
            chosen.add(e.getKey());
        }
        List<String> replicate = new ArrayList<>();
        for (Map.Entry<String, Long> e : bySize) {
            if (chosen.contains(e.getKey()) && !held.contains(e.getKey())) {
                replicate.add(e.getKey());
            }
        }
        List<String> drop = new ArrayList<>();
        for (String h : held) {
            if (!chosen.contains(h)) {
                drop.add(h);
            }
        }
        drop.sort(Comparator.naturalOrder());
        return new Decision(replicate, drop, total);
    }
}
