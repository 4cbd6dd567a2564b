package io.cairn.node.storage;

/**
 * How many bytes the scrubber may re-hash in one tick, given the client traffic the node carried
 * during the tick before (a pure decision; {@link StoreMaintenance} does the I/O).
 *
 * <p>Why: the scrubber's budget is a bound on background work, not a quota to meet at any cost.
 * Under load its reads and hashes take CPU and disk from the requests that are waiting (on the
 * 2-core bench machine the maintenance threads of a 5-node cluster took about a tenth of the
 * cluster's CPU during a 1 GiB put; docs/BENCHMARKS.md, "Ninth session"). Peer systems defer
 * verification the same way: Ceph starts no scrub while the load is above
 * {@code osd_scrub_load_threshold}, ZFS throttles scrub I/O behind other I/O. So while the node
 * moves more than {@code busyBytesPerTick} of requests and answers per tick, the scrubber runs at
 * {@code 1/busyDivisor} of its budget; it never stops, so a node that is always busy still
 * finishes its rounds, only more slowly. Back under the threshold, the full budget returns at
 * the next tick; deferred work is not caught up (the rate is a ceiling).
 *
 * @param bytesPerTick     the full budget of one tick
 * @param busyBytesPerTick request and answer bytes in one tick above which the node counts as busy
 * @param busyDivisor      the budget is divided by this while busy
 */
record ScrubPacing(long bytesPerTick, long busyBytesPerTick, int busyDivisor) {
    /** 16 MiB in a 250 ms tick (64 MiB/s): far above gossip and health checks, far below a bulk transfer. */
    static final long DEFAULT_BUSY_BYTES_PER_TICK = 16L << 20;
    static final int DEFAULT_BUSY_DIVISOR = 8;

    ScrubPacing {
        if (bytesPerTick < 0 || busyBytesPerTick < 0 || busyDivisor < 1) {
            throw new IllegalArgumentException("bytesPerTick and busyBytesPerTick must be >= 0, busyDivisor >= 1");
        }
    }

    static ScrubPacing of(long bytesPerTick) {
        return new ScrubPacing(bytesPerTick, DEFAULT_BUSY_BYTES_PER_TICK, DEFAULT_BUSY_DIVISOR);
    }

    boolean busy(long foregroundBytes) {
        return foregroundBytes > busyBytesPerTick;
    }

    /** This tick's budget; at least 1 byte (the store then checks one block) while the budget is not 0. */
    long budget(long foregroundBytes) {
        if (bytesPerTick == 0 || !busy(foregroundBytes)) {
            return bytesPerTick;
        }
        return Math.max(1, bytesPerTick / busyDivisor);
    }
}
