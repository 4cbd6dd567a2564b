package io.cairn.cli.chaos;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One scheduled fault: injected {@code atMs} after the run starts, undone {@code durationMs}
 * later (instant faults have 0). {@code param} is the fault's one number: the clock skew in ms,
 * the link delay in ms, or the seed of the bytes a corruption flips.
 */
public record Fault(int index, FaultKind kind, long atMs, long durationMs, List<Integer> nodes, long param) {
    public Fault {
        nodes = List.copyOf(nodes);
    }

    public long endMs() {
        return atMs + durationMs;
    }

    /** One line of the printed schedule, stable across runs of the same seed. */
    @Override
    public String toString() {
        String who = nodes.stream().map(n -> "n" + n).collect(Collectors.joining(","));
        String extra = switch (kind) {
            case CLOCK_SKEW -> " skew=" + param + "ms";
            case SLOW -> " delay=" + param + "ms";
            case CORRUPT -> " bytes-seed=" + param;
            default -> "";
        };
        return String.format("#%02d t=%6.1fs %-15s %-6s for %5.1fs%s", index, atMs / 1000.0, kind, who,
                durationMs / 1000.0, extra);
    }
}
