package io.cairn.node.distribute;

/**
 * A token bucket in bytes for repair copies (issue #3, {@code --repair-rate}). The size of a copy
 * is known only after it is done, so a caller reserves an estimate before it starts a copy and
 * settles the difference afterwards; the bucket may go into debt, and a debt delays the next
 * reservation by exactly the time it takes to repay. Over any long run the bytes ordered stay
 * within the rate plus one burst. Pure: the caller passes monotonic time and does the waiting.
 *
 * <p>Burst: a tenth of a second's worth (at least 64 KiB), so that the rate holds on the scale
 * of seconds, which is what an operator watching a repair sees.
 */
public final class ByteRateLimiter {
    private final long bytesPerSecond;
    private final double burst;
    private double tokens;
    private long lastNanos;

    /** {@code bytesPerSecond} 0 means unlimited. */
    public ByteRateLimiter(long bytesPerSecond, long nowNanos) {
        this.bytesPerSecond = bytesPerSecond;
        this.burst = Math.max(64 * 1024, bytesPerSecond / 10.0);
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Takes {@code bytes} (negative: gives back); returns nanoseconds to wait before using them. */
    public synchronized long reserve(long bytes, long nowNanos) {
        if (bytesPerSecond == 0) {
            return 0;
        }
        refill(nowNanos);
        tokens -= bytes;
        if (tokens > burst) {
            tokens = burst;
        }
        return tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * (bytesPerSecond / 1e9));
            lastNanos = nowNanos;
        }
    }
}
