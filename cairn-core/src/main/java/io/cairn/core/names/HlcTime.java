package io.cairn.core.names;

/**
 * A hybrid logical clock reading: wall-clock milliseconds plus a counter that orders events within
 * (or stuck behind) one millisecond. Ordered by {@code physicalMs}, then {@code logical}. Made by
 * {@link HybridLogicalClock}; carried inside a {@link Version}.
 *
 * @param physicalMs the largest wall-clock time seen, ms since the epoch, non-negative
 * @param logical    0..{@link #MAX_LOGICAL}
 */
public record HlcTime(long physicalMs, int logical) implements Comparable<HlcTime> {
    /** The counter fits 16 bits, as the HLC paper suggests; past it the clock moves physical on. */
    public static final int MAX_LOGICAL = 0xFFFF;
    public static final HlcTime ZERO = new HlcTime(0, 0);

    public HlcTime {
        if (physicalMs < 0) {
            throw new IllegalArgumentException("physicalMs must be non-negative, got " + physicalMs);
        }
        if (logical < 0 || logical > MAX_LOGICAL) {
            throw new IllegalArgumentException("logical must be 0.." + MAX_LOGICAL + ", got " + logical);
        }
    }

    @Override
    public int compareTo(HlcTime other) {
        int c = Long.compare(physicalMs, other.physicalMs);
        return c != 0 ? c : Integer.compare(logical, other.logical);
    }

    @Override
    public String toString() {
        return physicalMs + "." + logical;
    }
}
