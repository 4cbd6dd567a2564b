package io.cairn.node.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A per-second rate over a sliding window of whole seconds, cheap to add to from many threads.
 *
 * <p>Layout: a ring of {@code seconds + 1} buckets, each a {@link LongAdder} stamped with the
 * second it counts. Adding finds the bucket of the current second and, the first time in that
 * second, resets it under a lock (once per bucket per second, so the hot path is an uncontended
 * read and a {@code LongAdder.add}). The rate is the sum of the {@code seconds} completed seconds
 * before the current one divided by {@code seconds}: the current, partial second is left out so
 * the figure does not dip at each second's start. A count racing with a reset may be lost; the
 * figure is an estimate for load reports, not an accounting.
 */
public final class RateWindow {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private final int seconds;
    private final LongSupplier nanoTime;
    private final LongAdder[] counts;
    private final AtomicLongArray stamps;

    public RateWindow(int seconds, LongSupplier nanoTime) {
        if (seconds < 1) {
            throw new IllegalArgumentException("window must be at least one second");
        }
        this.seconds = seconds;
        this.nanoTime = nanoTime;
        this.counts = new LongAdder[seconds + 1];
        this.stamps = new AtomicLongArray(seconds + 1);
        for (int i = 0; i <= seconds; i++) {
            counts[i] = new LongAdder();
            stamps.set(i, Long.MIN_VALUE);
        }
    }

    public void add(long n) {
        long second = Math.floorDiv(nanoTime.getAsLong(), NANOS_PER_SECOND);
        int i = (int) Math.floorMod(second, (long) counts.length);
        if (stamps.get(i) != second) {
            synchronized (counts[i]) {
                if (stamps.get(i) != second) {
                    counts[i].reset();
                    stamps.set(i, second);
                }
            }
        }
        counts[i].add(n);
    }

    /** The mean per second over the last {@code seconds} whole seconds. */
    public double perSecond() {
        long now = Math.floorDiv(nanoTime.getAsLong(), NANOS_PER_SECOND);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            long stamp = stamps.get(i);
            if (stamp < now && stamp >= now - seconds) {
                sum += counts[i].sum();
            }
        }
        return (double) sum / seconds;
    }
}
