package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupCommitter#discard}: the writers of records that never reached the file (a failed
 * direct write) are told, with 507 for a full disk, and nobody else is: earlier and later tickets
 * become durable with the next sync, and the committer does not turn failed as after an fsync
 * failure. Every wait is bounded.
 */
class GroupCommitterDiscardTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final IOException ENOSPC = new IOException("No space left on device");

    /** A fake syncer: each sync covers what was appended when it returns; sync number {@code gatedSync} waits for the gate. */
    private static final class FakeSyncer implements GroupCommitter.Syncer {
        final AtomicLong appended = new AtomicLong();
        final AtomicLong synced = new AtomicLong();
        final AtomicInteger syncs = new AtomicInteger();
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch gatedSyncStarted = new CountDownLatch(1);
        final int gatedSync;

        FakeSyncer(int gatedSync) {
            this.gatedSync = gatedSync;
        }

        @Override
        public long sync() throws IOException {
            if (syncs.incrementAndGet() == gatedSync) {
                gatedSyncStarted.countDown();
                try {
                    if (!gate.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IOException("test gate never opened");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            long reached = appended.get();
            synced.accumulateAndGet(reached, Math::max);
            return reached;
        }
    }

    /** Runs the wait on the pool; the future holds what it threw, or null once durable. */
    private static Future<Throwable> waitFor(ExecutorService pool, GroupCommitter committer, FakeSyncer syncer, long ticket) {
        return pool.submit(() -> {
            try {
                committer.awaitDurable(ticket);
                assertThat(syncer.synced.get()).as("ticket %d durable when awaitDurable returned", ticket).isGreaterThanOrEqualTo(ticket);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    private static void assertLost(Throwable t, long ticket, ErrorCode code, IOException cause) {
        assertThat(t).as("ticket %d was dropped", ticket).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.code()).as("ticket %d", ticket).isEqualTo(code);
            assertThat(e.getCause()).as("ticket %d", ticket).isSameAs(cause);
        });
    }

    @Test
    void theWritersOfDiscardedTicketsAreToldAt507AndTheOthersBecomeDurable() throws Exception {
        FakeSyncer syncer = new FakeSyncer(1);
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        Map<Long, Future<Throwable>> waits = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            syncer.appended.set(1);
            waits.put(1L, waitFor(pool, committer, syncer, 1)); // the leader: its sync waits for the gate
            assertThat(syncer.gatedSyncStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            syncer.appended.set(10);
            for (long t = 2; t <= 8; t++) {
                waits.put(t, waitFor(pool, committer, syncer, t));
            }
            committer.discard(3, 6, ENOSPC); // tickets 4, 5, 6 never reached the file
            for (long t = 4; t <= 6; t++) {
                // told at once: no sync has finished, the leader's is still held at the gate
                assertLost(waits.get(t).get(BOUND.toSeconds(), TimeUnit.SECONDS), t, ErrorCode.INSUFFICIENT_STORAGE, ENOSPC);
            }
            assertThat(syncer.syncs.get()).as("no sync finished yet").isEqualTo(1);
            for (long t : new long[] {1, 2, 3, 7, 8}) {
                assertThat(waits.get(t).isDone()).as("ticket %d still waits for its sync", t).isFalse();
            }
            syncer.gate.countDown();
            for (long t : new long[] {1, 2, 3, 7, 8}) {
                assertThat(waits.get(t).get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("ticket %d", t).isNull();
            }
            // tickets after the dropped range, appended later, go on with the next sync
            syncer.appended.set(12);
            assertThat(waitFor(pool, committer, syncer, 12).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isNull();
            assertThat(syncer.synced.get()).isEqualTo(12);
        }
        assertThat(committer.failed()).as("a dropped write is not a failed fsync").isFalse();
        // the range stays dropped for late waiters, though the log's durable ticket passed it
        for (long t = 4; t <= 6; t++) {
            long ticket = t;
            assertThatThrownBy(() -> committer.awaitDurable(ticket)).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
        }
        committer.awaitDurable(3); // the edges are not in the range: (from, to]
        committer.awaitDurable(7);
    }

    @Test
    void aDiscardWithoutSpaceTroubleIs500AndCoversOnlyItsRange() throws Exception {
        FakeSyncer syncer = new FakeSyncer(0); // no gate
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        IOException eio = new IOException("Input/output error");
        syncer.appended.set(20);
        committer.discard(10, 15, eio);
        committer.discard(17, 17, eio); // an empty range drops nothing
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long t = 11; t <= 15; t++) {
                assertLost(waitFor(pool, committer, syncer, t).get(BOUND.toSeconds(), TimeUnit.SECONDS), t, ErrorCode.INTERNAL, eio);
            }
            for (long t : new long[] {5, 10, 16, 17, 18, 20}) {
                assertThat(waitFor(pool, committer, syncer, t).get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("ticket %d", t).isNull();
            }
        }
        assertThat(committer.failed()).isFalse();
    }

    @Test
    void aDiscardWhileManyWritersWaitReleasesExactlyItsRangeAtOnce() throws Exception {
        int writers = 200;
        FakeSyncer syncer = new FakeSyncer(1);
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        long from = 50;
        long to = 120;
        Map<Long, Future<Throwable>> waits = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            syncer.appended.set(writers);
            waits.put(1L, waitFor(pool, committer, syncer, 1)); // the leader, outside the range: its sync waits for the gate
            assertThat(syncer.gatedSyncStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            for (long t = 2; t <= writers; t++) {
                waits.put(t, waitFor(pool, committer, syncer, t));
            }
            committer.discard(from, to, ENOSPC);
            await().atMost(BOUND).until(() -> waits.entrySet().stream()
                    .filter(e -> e.getKey() > from && e.getKey() <= to).allMatch(e -> e.getValue().isDone()));
            syncer.gate.countDown();
            for (Map.Entry<Long, Future<Throwable>> e : waits.entrySet()) {
                long t = e.getKey();
                Throwable thrown = e.getValue().get(BOUND.toSeconds(), TimeUnit.SECONDS);
                if (t > from && t <= to) {
                    assertLost(thrown, t, ErrorCode.INSUFFICIENT_STORAGE, ENOSPC);
                } else {
                    assertThat(thrown).as("ticket %d", t).isNull();
                }
            }
        }
        assertThat(committer.failed()).isFalse();
    }
}
