package io.cairn.node;

import io.cairn.core.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told to. */
public final class ManualClock implements Clock {
    private Instant now;
    private long nanos;

    public ManualClock(Instant start) {
        this.now = start;
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }
}
