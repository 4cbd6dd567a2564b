package io.cairn.node.storage;

import io.cairn.core.Clock;
import io.cairn.store.BlockStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store's background work on one platform thread (issue #3, SPEC §2 and §5):
 * <ul>
 *   <li><b>scrub</b>: every {@link #SCRUB_TICK}, re-hashes {@code scrubBytesPerSecond × tick}
 *       bytes of stored blocks, an eighth of that while the node is busy with requests
 *       ({@link ScrubPacing}); a corrupt copy is quarantined by the store, whose listeners tell
 *       the distribute reporter, which reports the removal so that the copy is repaired.</li>
 *   <li><b>sync</b>: every {@link #SYNC_EVERY}, makes the lease renewals journaled since the last
 *       fsync durable ({@link BlockStore#sync()}), so a renew-on-read survives a crash within a
 *       few seconds even when no put forces a group commit.</li>
 *   <li><b>compact</b>: every {@link #COMPACT_EVERY}, one bounded compaction step of at most
 *       {@link #COMPACT_BYTES_PER_STEP}, so space freed by trims, deletes and quarantine is
 *       reclaimed even when nothing expires; the store picks only segments worth compacting.</li>
 * </ul>
 * Expiry is not driven from here: API Drive's lease keeper
 * ({@code io.cairn.node.apidrive.LeaseKeeper}, issue #5) reclaims expired blocks only after asking
 * the other replicas for live leases (SPEC §2: expiry never deletes a block that some replica
 * still holds a live lease for). See docs/DECISIONS.md.
 * A failing step is logged and retried at the next tick; it never stops the node.
 */
public final class StoreMaintenance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreMaintenance.class);
    static final Duration SCRUB_TICK = Duration.ofMillis(250);
    static final Duration SYNC_EVERY = Duration.ofSeconds(2);
    static final Duration COMPACT_EVERY = Duration.ofSeconds(10);
    static final long COMPACT_BYTES_PER_STEP = 64L * 1024 * 1024;

    private final BlockStore store;
    private final Clock clock;
    private final long scrubBytesPerTick;
    private final ScrubPacing pacing;
    private final LongSupplier foregroundBytes;
    private long foregroundSeen; // only the maintenance thread touches it
    private final ScheduledExecutorService timer;
    private final AtomicLong corruptFound = new AtomicLong();
    private final AtomicLong bytesScrubbed = new AtomicLong();
    private final AtomicLong blocksScrubbed = new AtomicLong();
    private final AtomicLong scrubRounds = new AtomicLong();
    private final AtomicLong blocksExpired = new AtomicLong();
    private final AtomicLong scrubTicksEased = new AtomicLong();

    /** A node whose scrubber never yields to requests (no traffic is counted). */
    public StoreMaintenance(BlockStore store, Clock clock, long scrubBytesPerSecond) {
        this(store, clock, scrubBytesPerSecond, () -> 0);
    }

    /**
     * @param foregroundBytes the bytes of requests and answers the node has carried so far (a
     *                        running total); the scrubber eases off while it grows fast
     */
    public StoreMaintenance(BlockStore store, Clock clock, long scrubBytesPerSecond, LongSupplier foregroundBytes) {
        this.store = store;
        this.clock = clock;
        this.scrubBytesPerTick = scrubBytesPerSecond * SCRUB_TICK.toMillis() / 1000;
        this.pacing = ScrubPacing.of(scrubBytesPerTick);
        this.foregroundBytes = foregroundBytes;
        this.foregroundSeen = foregroundBytes.getAsLong();
        // Whoever reclaims expired blocks (the lease keeper), the store tells its listeners: count there.
        store.addListener(new BlockStore.BlockListener() {
            @Override
            public void added(io.cairn.core.Address address) {
            }

            @Override
            public void removed(io.cairn.core.Address address, BlockStore.RemovalReason reason) {
                if (reason == BlockStore.RemovalReason.EXPIRED) {
                    blocksExpired.incrementAndGet();
                }
            }
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-maintenance");
            t.setDaemon(true);
            return t;
        });
    }

    public StoreMaintenance start() {
        if (scrubBytesPerTick > 0) {
            timer.scheduleWithFixedDelay(this::scrubStep, SCRUB_TICK.toMillis(), SCRUB_TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        timer.scheduleWithFixedDelay(this::syncStep, SYNC_EVERY.toMillis(), SYNC_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::compactStep, COMPACT_EVERY.toMillis(), COMPACT_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    void scrubStep() {
        try {
            long now = foregroundBytes.getAsLong();
            long carried = now - foregroundSeen;
            foregroundSeen = now;
            if (pacing.busy(carried)) {
                scrubTicksEased.incrementAndGet();
            }
            BlockStore.ScrubReport report = store.scrub(pacing.budget(carried));
            bytesScrubbed.addAndGet(report.bytesChecked());
            blocksScrubbed.addAndGet(report.blocksChecked());
            if (report.wrappedAround()) {
                scrubRounds.incrementAndGet();
            }
            if (report.corruptFound() > 0) {
                corruptFound.addAndGet(report.corruptFound());
                // The operator's line is the scrub.corruption event (issue #9), logged with the node ID.
                log.debug("scrub found {} corrupt block(s); quarantined, the distribute service repairs them",
                        report.corruptFound());
            }
        } catch (RuntimeException e) {
            log.warn("scrub step failed: {}", e.toString());
        }
    }

    void syncStep() {
        try {
            store.sync();
        } catch (RuntimeException e) {
            log.warn("store sync failed: {}", e.toString());
        }
    }

    void compactStep() {
        try {
            store.compact(COMPACT_BYTES_PER_STEP);
        } catch (RuntimeException e) {
            log.warn("compaction step failed: {}", e.toString());
        }
    }

    public long corruptFound() {
        return corruptFound.get();
    }

    public long bytesScrubbed() {
        return bytesScrubbed.get();
    }

    public long blocksScrubbed() {
        return blocksScrubbed.get();
    }

    /** Times the scrubber finished a whole pass over the store. */
    public long scrubRounds() {
        return scrubRounds.get();
    }

    /** Scrub ticks that ran at the reduced budget because the node was busy with requests. */
    public long scrubTicksEased() {
        return scrubTicksEased.get();
    }

    public long blocksExpired() {
        return blocksExpired.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
