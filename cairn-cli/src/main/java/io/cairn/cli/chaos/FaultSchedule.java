package io.cairn.cli.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of a run, as a pure function of (seed, duration, nodes): the same three values give
 * the same list, so a failing run replays by its seed (STYLE habit 10, after TigerBeetle's
 * simulator). The executor ({@link ChaosRun}) only carries the list out.
 *
 * <p>Rules, so that the faults stay inside what SPEC §5 promises to survive:
 * <ul>
 *   <li>Faults start after a warm-up ({@link #WARM_UP_MS}) and all end before the last tenth of the
 *       run (at least {@link #MIN_TAIL_MS}), so the workload ends on a cluster that is healing.</li>
 *   <li>The first faults run through every {@link FaultKind} once, in a seeded order; later ones
 *       are drawn at random. A short run therefore still tries every kind.</li>
 *   <li>At most {@link #MAX_NODES_DOWN} nodes are affected by a lasting fault at once (N=3, W=2:
 *       a third would make writes unavailable, which SPEC does not promise against, and corrupted
 *       copies on top of that could exceed "fewer than N replicas lost").</li>
 *   <li>Node 0 runs the distribute service: only {@link FaultKind#KILL_DISTRIBUTE} and
 *       {@link FaultKind#CORRUPT} touch it, so that the other kinds exercise storage nodes.</li>
 *   <li>Two corruptions are at least {@link #CORRUPT_SPACING_MS} apart, time for the scrubber and
 *       repair to restore the copies the first one damaged.</li>
 * </ul>
 */
public final class FaultSchedule {
    static final long WARM_UP_MS = 8_000;
    static final long MIN_TAIL_MS = 8_000;
    static final int MAX_NODES_DOWN = 2;
    static final long CORRUPT_SPACING_MS = 15_000;
    static final int MAX_FAULTS = 10_000; // bound: one per 2 s over a day and a half

    private final long seed;
    private final List<Fault> faults;

    private FaultSchedule(long seed, List<Fault> faults) {
        this.seed = seed;
        this.faults = List.copyOf(faults);
    }

    public long seed() {
        return seed;
    }

    public List<Fault> faults() {
        return faults;
    }

    /** The schedule of a run of {@code durationMs} over {@code nodes} nodes (at least 4). */
    public static FaultSchedule of(long seed, long durationMs, int nodes) {
        if (nodes < 4) {
            throw new IllegalArgumentException("a chaos run needs at least 4 nodes (N=3 plus one to spare), got " + nodes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<FaultKind> firstRound = new ArrayList<>(Arrays.asList(FaultKind.values()));
        Collections.shuffle(firstRound, new java.util.Random(random.nextLong()));
        long windowEnd = durationMs - Math.max(MIN_TAIL_MS, durationMs / 10);
        long[] busyUntil = new long[nodes];
        long lastCorrupt = Long.MIN_VALUE / 2;
        List<Fault> out = new ArrayList<>();
        long t = WARM_UP_MS;
        while (out.size() < MAX_FAULTS && t < windowEnd - 2_000) {
            FaultKind kind = out.size() < firstRound.size() ? firstRound.get(out.size())
                    : FaultKind.values()[random.nextInt(FaultKind.values().length)];
            if (kind == FaultKind.CORRUPT) {
                t = Math.max(t, lastCorrupt + CORRUPT_SPACING_MS);
            }
            int wanted = kind == FaultKind.PARTITION && random.nextInt(3) == 0 ? 2 : 1;
            List<Integer> chosen = kind.instant() ? choose(random, nodes, 0, null, 0, 1)
                    : choose(random, nodes, t, busyUntil, kind == FaultKind.KILL_DISTRIBUTE ? -1 : 1, wanted);
            if (chosen == null) { // not enough nodes free: wait for the next one to come back
                t = nextFree(busyUntil, t);
                continue;
            }
            long duration = kind.instant() ? 0 : Math.min(4_000 + random.nextLong(10_000), windowEnd - t);
            if (!kind.instant() && duration < 2_000) {
                break;
            }
            long param = switch (kind) {
                case CLOCK_SKEW -> (random.nextBoolean() ? 1 : -1) * (20_000 + random.nextLong(100_000));
                case SLOW -> 100 + random.nextLong(300);
                case CORRUPT -> random.nextLong();
                default -> 0;
            };
            out.add(new Fault(out.size(), kind, t, duration, chosen, param));
            for (int n : chosen) {
                if (!kind.instant()) {
                    busyUntil[n] = t + duration + 1_000; // a second to come back before the next fault
                }
            }
            if (kind == FaultKind.CORRUPT) {
                lastCorrupt = t;
            }
            t += 2_000 + random.nextLong(4_000);
        }
        return new FaultSchedule(seed, out);
    }

    /**
     * {@code wanted} free nodes at {@code t} among {@code from..nodes-1} ({@code from} = -1 means
     * node 0 alone), or null when that would put more than {@link #MAX_NODES_DOWN} nodes down.
     */
    private static List<Integer> choose(SplittableRandom random, int nodes, long t, long[] busyUntil, int from, int wanted) {
        if (busyUntil == null) {
            return List.of(random.nextInt(nodes));
        }
        int down = 0;
        for (long b : busyUntil) {
            down += b > t ? 1 : 0;
        }
        if (from == -1) {
            return busyUntil[0] <= t && down + 1 <= MAX_NODES_DOWN ? List.of(0) : null;
        }
        List<Integer> free = new ArrayList<>();
        for (int n = from; n < nodes; n++) {
            if (busyUntil[n] <= t) {
                free.add(n);
            }
        }
        int take = Math.min(wanted, MAX_NODES_DOWN - down);
        if (take < 1 || free.isEmpty()) {
            return null;
        }
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < take && !free.isEmpty(); i++) {
            picked.add(free.remove(random.nextInt(free.size())));
        }
        Collections.sort(picked);
        return picked;
    }

    private static long nextFree(long[] busyUntil, long t) {
        long next = Long.MAX_VALUE;
        for (long b : busyUntil) {
            if (b > t) {
                next = Math.min(next, b);
            }
        }
        return next == Long.MAX_VALUE ? t + 1_000 : next;
    }

    /** The schedule as printed at the start of a run and in its report. */
    public String describe() {
        StringBuilder sb = new StringBuilder("fault schedule (seed " + seed + ", " + faults.size() + " faults):\n");
        for (Fault f : faults) {
            sb.append("  ").append(f).append('\n');
        }
        return sb.toString();
    }
}
