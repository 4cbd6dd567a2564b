package io.cairn.store;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;

/**
 * Group commit: many writers, one fsync.
 *
 * <p>Every append gets a ticket, the log's total byte count after it. A writer that needs its
 * record durable calls {@link #awaitDurable}. If nobody is syncing it becomes the leader: it asks
 * the {@link Syncer} to force the active segment, which covers every ticket appended so far, and
 * then wakes everyone whose ticket is covered. Writers arriving while a sync runs wait for it to
 * finish and, if not covered, elect the next leader, which then covers all of them at once. So
 * with 32 writers and an fsync of a few milliseconds, each fsync acknowledges a whole group
 * instead of one block: that is the throughput win over file-per-block (docs/BENCHMARKS.md).
 *
 * <p>An fsync failure is not retried: after a failed fsync the kernel may have dropped the dirty
 * pages (the "fsyncgate" lesson), so nothing appended since the last good sync can be trusted.
 * The committer fails every waiter and stays failed; the store then refuses writes until it is
 * reopened, and reopening re-reads and CRC-checks the unsealed tail.
 */
final class GroupCommitter {
    /** Forces what has been appended; returns the ticket that is now durable. */
    interface Syncer {
        long sync() throws IOException;
    }

    private final Syncer syncer;
    private final Object monitor = new Object();
    private long durableTicket;
    private boolean syncing;
    private IOException failure;
    /** Ticket ranges (from, to] whose records were dropped before reaching the disk, newest last. */
    private final java.util.ArrayDeque<Lost> lost = new java.util.ArrayDeque<>();
    /** Enough for any waiter: a range is only looked at by writers already waiting when it was dropped. */
    private static final int MAX_LOST_RANGES = 1024;

    private record Lost(long from, long to, IOException cause) {}

    GroupCommitter(Syncer syncer, long durableTicket) {
        this.syncer = syncer;
        this.durableTicket = durableTicket;
    }

    /** Returns once every append up to {@code ticket} is on disk. */
    void awaitDurable(long ticket) {
        while (true) {
            synchronized (monitor) {
                while (true) {
                    for (Lost l : lost) {
                        if (ticket > l.from && ticket <= l.to) {
                            throw SegmentRecord.storageFailure("writing the log", l.cause);
                        }
                    }
                    if (durableTicket >= ticket) {
                        return;
                    }
                    if (failure != null) {
                        throw SegmentRecord.storageFailure("an earlier fsync failed; reopen the store", failure);
                    }
                    if (!syncing) {
                        syncing = true;
                        break;
                    }
                    try {
                        // Untimed: every change of durableTicket, syncing and failure happens under
                        // the monitor and notifies all, so no wake-up can be missed. A timed wait
                        // cost each writer a timer and a hand-off to the JDK's unparker thread:
                        // 8.2 against 6.0 context switches per PUT under a 1 GiB put (DECISIONS 91).
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted while waiting for fsync");
                    }
                }
            }
            lead();
        }
    }

    private void lead() {
        long reached;
        try {
            reached = syncer.sync();
        } catch (Throwable e) {
            // Any failure, an Error too, is recorded and every waiter told: a leader that left
            // without clearing `syncing` would leave the others waiting for ever.
            synchronized (monitor) {
                failure = e instanceof IOException io ? io : new IOException(e);
                syncing = false;
                monitor.notifyAll();
            }
            if (e instanceof Error error) {
                throw error;
            }
            return; // the loop in awaitDurable reports the failure
        }
        synchronized (monitor) {
            durableTicket = Math.max(durableTicket, reached);
            syncing = false;
            monitor.notifyAll();
        }
    }

    /** Records that everything up to {@code ticket} was forced by someone else (a segment seal). */
    void markDurable(long ticket) {
        synchronized (monitor) {
            durableTicket = Math.max(durableTicket, ticket);
            monitor.notifyAll();
        }
    }

    /**
     * Records that the appends with tickets in {@code (from, to]} never reached the file (a failed
     * direct write, {@link DirectTail}): their writers get the failure, later tickets go on. Unlike
     * a failed fsync nothing written before is in doubt, so the log stays usable.
     */
    void discard(long from, long to, IOException cause) {
        synchronized (monitor) {
            if (to > from) {
                lost.addLast(new Lost(from, to, cause));
                if (lost.size() > MAX_LOST_RANGES) {
                    lost.removeFirst();
                }
            }
            monitor.notifyAll();
        }
    }

    /** Whether any ticket in {@code (from, to]} was dropped by {@link #discard}. */
    boolean anyLost(long from, long to) {
        synchronized (monitor) {
            for (Lost l : lost) {
                if (l.from < to && l.to > from) {
                    return true;
                }
            }
            return false;
        }
    }

    boolean failed() {
        synchronized (monitor) {
            return failure != null;
        }
    }
}
