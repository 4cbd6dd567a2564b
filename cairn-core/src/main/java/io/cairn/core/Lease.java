package io.cairn.core;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a block is kept: until an instant, or never (SPEC §2). Stored as epoch seconds;
 * {@link #NEVER_EPOCH_SECOND} means never. A lease only grows: {@link #atLeast} merges two.
 */
public record Lease(long expiresEpochSecond) {
    public static final long NEVER_EPOCH_SECOND = Long.MAX_VALUE;
    public static final Duration DEFAULT_DURATION = Duration.ofDays(30);
    public static final Lease NEVER = new Lease(NEVER_EPOCH_SECOND);
    /** The most a header may ask for: 100 years. */
    public static final long MAX_SECONDS = 100L * 366 * 24 * 3600;

    public static Lease until(Instant instant) {
        return new Lease(instant.getEpochSecond());
    }

    public static Lease defaultFrom(Instant now) {
        return until(now.plus(DEFAULT_DURATION));
    }

    public boolean isNever() {
        return expiresEpochSecond == NEVER_EPOCH_SECOND;
    }

    public boolean expiredAt(Instant now) {
        return !isNever() && expiresEpochSecond <= now.getEpochSecond();
    }

    /** The later of the two leases. */
    public Lease atLeast(Lease other) {
        return other.expiresEpochSecond > expiresEpochSecond ? other : this;
    }

    /**
     * Parses the {@code X-Cairn-Lease} header: a whole number of seconds from now (1 to 100
     * years) or {@code never}. Null or empty means the default of 30 days.
     */
    public static Lease parseHeader(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return defaultFrom(now);
        }
        String value = header.trim();
        if (value.equalsIgnoreCase("never")) {
            return NEVER;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "X-Cairn-Lease must be seconds or 'never'");
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "X-Cairn-Lease must be between 1 and " + MAX_SECONDS + " seconds");
        }
        return new Lease(now.getEpochSecond() + seconds);
    }

    @Override
    public String toString() {
        return isNever() ? "never" : Instant.ofEpochSecond(expiresEpochSecond).toString();
    }
}
