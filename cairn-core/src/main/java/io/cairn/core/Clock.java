package io.cairn.core;

import java.time.Instant;

/**
 * Where time comes from. Production passes {@link #SYSTEM}; tests pass a manual clock so that
 * leases, health checks and expiry can be driven deterministically.
 */
public interface Clock {
    Clock SYSTEM = new Clock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time, for leases and "last seen". */
    Instant now();

    /** Monotonic time, for intervals and timeouts. */
    long nanoTime();
}
