package io.cairn.client.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A log-linear latency histogram in microseconds, safe for concurrent recording: values below
 * 128 µs are exact, larger ones fall into one of 64 buckets per power of two (relative error
 * under 1.6%). Fixed size (about 20 KiB), whatever the number of samples. The maximum and the
 * sum are kept exactly.
 */
public final class LatencyHistogram {
    private static final int SUB = 64;
    private static final int MAX_SHIFT = 40; // 2^46 µs: two years
    private final AtomicLongArray counts = new AtomicLongArray(SUB * (MAX_SHIFT + 2));
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    static int indexOf(long micros) {
        long v = Math.max(0, micros);
        int msb = 63 - Long.numberOfLeadingZeros(v | 1);
        int shift = Math.min(Math.max(0, msb - 6), MAX_SHIFT);
        long sub = Math.min(v >> shift, 2L * SUB - 1);
        return (int) (shift * SUB + sub);
    }

    /** The middle of the bucket at {@code index}, in microseconds. */
    static long valueOf(int index) {
        int shift = index < 2 * SUB ? 0 : index / SUB - 1;
        long sub = index - (long) shift * SUB;
        return (sub << shift) + ((1L << shift) >> 1);
    }

    public void record(long micros) {
        counts.incrementAndGet(indexOf(micros));
        total.incrementAndGet();
        sum.addAndGet(micros);
        max.accumulateAndGet(micros, Math::max);
    }

    public long count() {
        return total.get();
    }

    public long maxMicros() {
        return max.get();
    }

    public double meanMicros() {
        long n = total.get();
        return n == 0 ? 0 : (double) sum.get() / n;
    }

    /** The value at or below which {@code percentile} percent of the samples lie (0 when empty). */
    public long percentileMicros(double percentile) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
        if (rank >= n) {
            return max.get();
        }
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(valueOf(i), max.get());
            }
        }
        return max.get();
    }
}
