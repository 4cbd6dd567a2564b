package io.cairn.store;

import io.cairn.core.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when a test says so. */
final class ManualClock implements Clock {
    private volatile Instant now;
    private volatile long nanos;

    ManualClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }
}
