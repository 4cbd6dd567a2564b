package io.cairn.cli.chaos;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the run saw of the cluster after the faults stopped and it healed (or the heal bound
 * passed): the input of the pure {@link Checker}, beside the {@link History}.
 *
 * @param healed        null when the cluster healed within the bound, else why not
 * @param reads         "kind key" → per node, the SHA-256 hex read, {@link #ABSENT} (404) or "error ..."
 * @param holders       address → how many nodes' inventories list it
 * @param space         per node: its /space usedBytes, the sum of its inventory's block sizes, its segment bytes on disk
 * @param replication   the replication factor the nodes were asked to keep (min(N, nodes))
 */
record Observations(String healed, Map<String, List<String>> reads, Map<String, Integer> holders,
                    List<Space> space, int replication) {
    static final String ABSENT = "absent";

    record Space(int node, long usedBytes, long inventoryBytes, long segmentBytes, String error) {}

    static String readKey(String kind, String key) {
        return kind + " " + key;
    }

    Set<String> readKeys() {
        return reads.keySet();
    }
}
