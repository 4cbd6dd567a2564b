package io.cairn.client.sync;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one sync, shared by its workers. */
final class SyncStats {
    final AtomicLong archiveBytes = new AtomicLong();
    final AtomicLong contentBytes = new AtomicLong();
    final AtomicLong failovers = new AtomicLong();
    final AtomicLong filesFetched = new AtomicLong();
    final AtomicLong filesCopied = new AtomicLong();
}
