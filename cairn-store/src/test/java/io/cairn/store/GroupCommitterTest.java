package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.CairnException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupCommitter}: writers return only once a sync covered their ticket, many writers share
 * one sync, a failure reaches every writer and stays, and a seal's {@code markDurable} releases
 * the writers it covers while a sync is still running. Every wait is bounded.
 */
class GroupCommitterTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** A syncer whose first sync waits for a gate; each sync covers what was appended when it began. */
    private static final class GatedSyncer implements GroupCommitter.Syncer {
        final AtomicLong appended = new AtomicLong();
        final AtomicLong synced = new AtomicLong();
        final AtomicInteger syncs = new AtomicInteger();
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch firstSyncStarted = new CountDownLatch(1);
        volatile IOException failWith;
        volatile Error errorWith;

        @Override
        public long sync() throws IOException {
            firstSyncStarted.countDown();
            try {
                if (!gate.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IOException("test gate never opened");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            syncs.incrementAndGet();
            if (failWith != null) {
                throw failWith;
            }
            if (errorWith != null) {
                throw errorWith;
            }
            long reached = appended.get();
            synced.accumulateAndGet(reached, Math::max);
            return reached;
        }
    }

    /** Runs {@code write} on the pool; the future holds what it threw, or null. */
    private static Future<Throwable> attempt(ExecutorService pool, Runnable write) {
        return pool.submit(() -> {
            try {
                write.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    @Test
    void manyWritersShareOneSyncAndNoneReturnsBeforeItsTicketIsDurable() throws Exception {
        int writers = 64;
        GatedSyncer syncer = new GatedSyncer();
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        List<Future<Long>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                done.add(pool.submit(() -> {
                    long ticket = syncer.appended.incrementAndGet();
                    committer.awaitDurable(ticket);
                    assertThat(syncer.synced.get()).as("durable when awaitDurable returned").isGreaterThanOrEqualTo(ticket);
                    return ticket;
                }));
            }
            // every writer has appended before the (single) leader's sync is let through
            await().atMost(BOUND).until(() -> syncer.appended.get() == writers);
            assertThat(syncer.firstSyncStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            syncer.gate.countDown();
            for (Future<Long> f : done) {
                assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isPositive();
            }
        }
        assertThat(syncer.syncs.get()).as("one fsync for the whole group").isEqualTo(1);
        assertThat(committer.failed()).isFalse();
    }

    @Test
    void aFailedSyncFailsEveryWaiterAndEveryLaterWrite() throws Exception {
        GatedSyncer syncer = new GatedSyncer();
        syncer.failWith = new IOException("simulated EIO");
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        List<Future<Throwable>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                done.add(attempt(pool, () -> committer.awaitDurable(syncer.appended.incrementAndGet())));
            }
            assertThat(syncer.firstSyncStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            syncer.gate.countDown();
            for (Future<Throwable> f : done) {
                assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("every writer is told")
                        .isInstanceOf(CairnException.class).hasMessageContaining("simulated EIO");
            }
        }
        assertThat(committer.failed()).isTrue();
        int syncsSoFar = syncer.syncs.get();
        try {
            committer.awaitDurable(syncer.appended.incrementAndGet());
            throw new AssertionError("a write after a failed fsync must fail");
        } catch (CairnException expected) {
            assertThat(expected).hasMessageContaining("reopen the store");
        }
        assertThat(syncer.syncs.get()).as("no retry after fsyncgate").isEqualTo(syncsSoFar);
    }

    @Test
    void anErrorInTheSyncStillReleasesTheWaiters() throws Exception {
        GatedSyncer syncer = new GatedSyncer();
        syncer.errorWith = new OutOfMemoryError("simulated");
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Throwable> leader = attempt(pool, () -> committer.awaitDurable(syncer.appended.incrementAndGet()));
            assertThat(syncer.firstSyncStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Future<Throwable> waiter = attempt(pool, () -> committer.awaitDurable(syncer.appended.incrementAndGet()));
            syncer.gate.countDown();
            assertThat(leader.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(OutOfMemoryError.class);
            assertThat(waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(CairnException.class);
        }
        assertThat(committer.failed()).isTrue();
    }

    @Test
    void aSealMarkedDurableReleasesTheWritersItCoversWhileASyncRuns() throws Exception {
        GatedSyncer syncer = new GatedSyncer();
        GroupCommitter committer = new GroupCommitter(syncer, 0);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long first = syncer.appended.incrementAndGet();
            Future<?> leader = pool.submit(() -> committer.awaitDurable(first));
            assertThat(syncer.firstSyncStarted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            long second = syncer.appended.incrementAndGet();
            Future<?> covered = pool.submit(() -> committer.awaitDurable(second));
            committer.markDurable(second); // a seal forced the segment up to here
            covered.get(BOUND.toSeconds(), TimeUnit.SECONDS); // returns although the leader's sync still waits
            assertThat(leader.isDone()).isFalse();
            syncer.gate.countDown();
            leader.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(syncer.syncs.get()).isEqualTo(1);
    }
}
