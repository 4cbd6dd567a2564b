package io.cairn.client.sync;

import java.util.List;

/**
 * What a sync did. {@code failed} lists files that could not be fetched or verified and
 * {@code refused} index entries that were not acted on (unsafe paths); either makes the sync a
 * failure for the CLI, although everything else was applied.
 */
public record SyncReport(long indexVersion, int filesInIndex, int unchanged, int fetched, int copiedLocally,
                         int chmodded, int deleted, long contentBytes, long archiveBytes, long failovers,
                         List<String> refused, List<String> failed, long elapsedMs) {
    public boolean ok() {
        return refused.isEmpty() && failed.isEmpty();
    }
}
