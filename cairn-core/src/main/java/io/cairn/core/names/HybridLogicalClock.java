package io.cairn.core.names;

import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import java.time.Duration;

/**
 * A hybrid logical clock: the source of {@link Version}s for directory writes. One per node,
 * called by the directory role when it writes an entry ({@link #tick()}) and when it receives one
 * ({@link #update(HlcTime)}). Thread-safe.
 *
 * <p><b>What.</b> The HLC of Kulkarni, Demirbas, Madappa, Avva and Leone, "Logical Physical
 * Clocks and Consistent Snapshots in Globally Distributed Databases" (OPODIS 2014), algorithm 2.
 * A reading is (l, c): l is the largest wall-clock time this node has seen, locally or in a
 * message, and c counts events since l last grew.
 *
 * <table>
 *   <caption>the rules, pt being the wall clock now</caption>
 *   <tr><th>event</th><th>l becomes</th><th>c becomes</th></tr>
 *   <tr><td>local event or send: {@code tick()}</td><td>max(l, pt)</td><td>c+1 if l did not change, else 0</td></tr>
 *   <tr><td>receive (l<sub>m</sub>, c<sub>m</sub>): {@code update(m)}</td><td>max(l, l<sub>m</sub>, pt)</td>
 *       <td>max(c, c<sub>m</sub>)+1 if l = old l = l<sub>m</sub>; c+1 if l = old l; c<sub>m</sub>+1 if
 *       l = l<sub>m</sub>; else 0</td></tr>
 * </table>
 *
 * <p><b>Why.</b> Last-writer-wins needs timestamps that respect causality (a write made after
 * seeing another orders after it) even when wall clocks disagree, yet stay close to wall time so
 * that "last" means what people expect. Pure Lamport clocks lose the second, wall clocks the
 * first; the HLC keeps both, in 64 + 16 bits.
 *
 * <p><b>Invariants.</b> Readings strictly increase, also when the wall clock steps backwards
 * (l then holds and c counts). l never runs ahead of the largest wall time seen, except by one
 * millisecond per {@value HlcTime#MAX_LOGICAL} events in a millisecond: when c would overflow
 * its 16 bits the clock moves l one millisecond on and resets c, which keeps the order.
 *
 * <p><b>Bounded drift.</b> A remote reading more than {@code maxDrift} ahead of our wall clock is
 * refused (BAD_REQUEST, state unchanged), as CockroachDB does: otherwise one node with a clock
 * set to next year would win every write and drag every clock with it.
 */
public final class HybridLogicalClock {
    public static final Duration DEFAULT_MAX_DRIFT = Duration.ofSeconds(60);

    private final Clock clock;
    private final long maxDriftMs;
    private long l;
    private int c;

    /** A fresh clock with the default drift bound. */
    public HybridLogicalClock(Clock clock) {
        this(clock, DEFAULT_MAX_DRIFT, HlcTime.ZERO);
    }

    /**
     * @param clock    wall time; only {@link Clock#now()} is read
     * @param maxDrift how far ahead of our wall clock a remote reading may be
     * @param last     the last reading this node issued before a restart (or {@link HlcTime#ZERO}),
     *                 so that readings keep increasing across restarts
     */
    public HybridLogicalClock(Clock clock, Duration maxDrift, HlcTime last) {
        if (maxDrift.isNegative()) {
            throw new IllegalArgumentException("maxDrift must not be negative");
        }
        this.clock = clock;
        this.maxDriftMs = maxDrift.toMillis();
        this.l = last.physicalMs();
        this.c = last.logical();
    }

    /** A reading for a local event (a write, or a message about to be sent). */
    public synchronized HlcTime tick() {
        long pt = wallMs();
        long old = l;
        l = Math.max(old, pt);
        long next = l == old ? (long) c + 1 : 0;
        return settle(next);
    }

    /** A reading for the receipt of a remote reading; merges it into this clock. */
    public synchronized HlcTime update(HlcTime remote) {
        long pt = wallMs();
        if (remote.physicalMs() - pt > maxDriftMs) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "remote clock is " + (remote.physicalMs() - pt)
                    + " ms ahead of ours, beyond the allowed drift of " + maxDriftMs + " ms");
        }
        long old = l;
        long lm = remote.physicalMs();
        l = Math.max(Math.max(old, lm), pt);
        long next;
        if (l == old && l == lm) {
            next = (long) Math.max(c, remote.logical()) + 1;
        } else if (l == old) {
            next = (long) c + 1;
        } else if (l == lm) {
            next = (long) remote.logical() + 1;
        } else {
            next = 0;
        }
        return settle(next);
    }

    /** The last reading issued, without issuing a new one. */
    public synchronized HlcTime current() {
        return new HlcTime(l, c);
    }

    private HlcTime settle(long next) {
        if (next > HlcTime.MAX_LOGICAL) {
            l += 1;
            next = 0;
        }
        c = (int) next;
        return new HlcTime(l, c);
    }

    private long wallMs() {
        return Math.max(0, clock.now().toEpochMilli());
    }
}
