package io.cairn.core.names;

import io.cairn.core.Clock;
import java.time.Instant;

/** A wall clock the test sets by hand, to the millisecond; it may go backwards. */
final class ManualClock implements Clock {
    private long ms;

    ManualClock(long ms) {
        this.ms = ms;
    }

    ManualClock set(long newMs) {
        ms = newMs;
        return this;
    }

    ManualClock advance(long deltaMs) {
        ms += deltaMs;
        return this;
    }

    @Override
    public Instant now() {
        return Instant.ofEpochMilli(ms);
    }

    @Override
    public long nanoTime() {
        return ms * 1_000_000;
    }
}
