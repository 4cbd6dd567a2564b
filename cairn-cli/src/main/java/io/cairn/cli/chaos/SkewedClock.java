package io.cairn.cli.chaos;

import io.cairn.core.Clock;
import java.time.Instant;

/**
 * The system clock with its wall time shifted by a fixed offset (the hidden
 * {@code cairn node --clock-skew-ms}); monotonic time is left alone, as a skewed NTP setting
 * would leave it.
 */
public final class SkewedClock {
    private SkewedClock() {}

    public static Clock of(long skewMs) {
        return new Clock() {
            @Override
            public Instant now() {
                return Instant.now().plusMillis(skewMs);
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }
}
