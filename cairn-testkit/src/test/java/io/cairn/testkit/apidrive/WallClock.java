package io.cairn.testkit.apidrive;

import io.cairn.core.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A clock whose wall time moves only when told (leases, expiry) while its monotonic time is the
 * machine's (gossip, timeouts): jumping 30 days must not make every peer look dead.
 */
final class WallClock implements Clock {
    private Instant now;

    WallClock(Instant start) {
        this.now = start;
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    synchronized void set(Instant instant) {
        now = instant;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
