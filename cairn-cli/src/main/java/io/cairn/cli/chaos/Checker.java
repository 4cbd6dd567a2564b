package io.cairn.cli.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the promises of SPEC §5 against a run's {@link History} and its {@link Observations};
 * pure, so a saved history can be checked again. Each anomaly is one line.
 *
 * <p>The rule for names (after Jepsen's treatment of indeterminate operations): a name's writes
 * are its acknowledged puts and deletes and its indeterminate ones. An acknowledged write is
 * <em>superseded</em> when another acknowledged write of the name started after it ended; the
 * name must resolve to the value of a write that is not superseded. An indeterminate write may
 * still take effect later (a request held by a paused node is processed when it resumes), so it
 * is acceptable too unless an acknowledged write started more than {@link #LATE_EFFECT_BOUND_MS}
 * after it started. When every acceptable write is indeterminate, the state before them (the
 * latest acknowledged write, or absence) is acceptable as well.
 */
final class Checker {
    /** Longer than the longest fault (14 s) plus every client and server timeout on the way. */
    static final long LATE_EFFECT_BOUND_MS = 60_000;

    private Checker() {}

    static List<String> check(History history, Observations seen) {
        List<String> anomalies = new ArrayList<>();
        if (seen.healed() != null) {
            anomalies.add("the cluster did not heal: " + seen.healed());
        }
        List<History.Op> ops = history.ops();
        for (History.Op op : ops) {
            switch (op.type()) {
                case FILE_PUT, DRIVE_STORE -> {
                    if (op.outcome() == History.Outcome.OK) {
                        String kind = op.type() == History.Type.FILE_PUT ? "file" : "drive";
                        readBackEverywhere(anomalies, seen, kind, op.key(), Set.of(op.value()));
                        replicated(anomalies, seen, kind, op.key());
                    }
                }
                case BAD_PUT -> {
                    if (op.outcome() == History.Outcome.OK) {
                        anomalies.add("op " + op.id() + ": a block whose bytes do not match its address was accepted (" + op.key() + ")");
                    }
                    if (seen.holders().getOrDefault(op.key(), 0) > 0) {
                        anomalies.add("op " + op.id() + ": refused block " + op.key() + " is claimed present by "
                                + seen.holders().get(op.key()) + " node(s)");
                    }
                }
                case FILE_GET, DRIVE_GET -> {
                    if (op.detail().startsWith("WRONG BYTES")) {
                        anomalies.add("op " + op.id() + ": node " + op.node() + " served wrong bytes for " + op.key()
                                + " at t=" + op.startMs() + "ms");
                    }
                }
                default -> { }
            }
        }
        Map<String, List<History.Op>> byName = new TreeMap<>();
        for (History.Op op : ops) {
            if ((op.type() == History.Type.NAME_PUT || op.type() == History.Type.NAME_DELETE)
                    && op.outcome() != History.Outcome.FAILED) {
                byName.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        byName.forEach((name, writes) -> readBackEverywhere(anomalies, seen, "name", name, acceptable(writes)));
        for (Observations.Space s : seen.space()) {
            if (s.error() != null) {
                anomalies.add("node " + s.node() + ": space not observed: " + s.error());
            } else if (s.usedBytes() != s.inventoryBytes()) {
                anomalies.add("node " + s.node() + ": /space usedBytes " + s.usedBytes() + " but its blocks add up to "
                        + s.inventoryBytes());
            } else if (s.usedBytes() > s.segmentBytes()) {
                anomalies.add("node " + s.node() + ": /space usedBytes " + s.usedBytes() + " exceeds its segment files' "
                        + s.segmentBytes() + " bytes");
            }
        }
        return anomalies;
    }

    /** The values (SHA-256 hex, or ABSENT) a name may resolve to, by the rule in the class comment. */
    static Set<String> acceptable(List<History.Op> writes) {
        Set<String> out = new LinkedHashSet<>();
        boolean anyOkCandidate = false;
        History.Op latestOk = null;
        for (History.Op w : writes) {
            if (w.outcome() == History.Outcome.OK) {
                if (latestOk == null || w.startMs() > latestOk.startMs()) {
                    latestOk = w;
                }
                boolean superseded = writes.stream().anyMatch(o -> o.outcome() == History.Outcome.OK && o.startMs() > w.endMs());
                if (!superseded) {
                    out.add(valueOf(w));
                    anyOkCandidate = true;
                }
            } else {
                boolean superseded = writes.stream().anyMatch(o -> o.outcome() == History.Outcome.OK
                        && o.startMs() > w.startMs() + LATE_EFFECT_BOUND_MS);
                if (!superseded) {
                    out.add(valueOf(w));
                }
            }
        }
        if (!anyOkCandidate) {
            out.add(latestOk == null ? Observations.ABSENT : valueOf(latestOk));
        }
        return out;
    }

    private static String valueOf(History.Op w) {
        return w.type() == History.Type.NAME_DELETE ? Observations.ABSENT : w.value();
    }

    private static void readBackEverywhere(List<String> anomalies, Observations seen, String kind, String key, Set<String> ok) {
        List<String> reads = seen.reads().get(Observations.readKey(kind, key));
        if (reads == null) {
            anomalies.add(kind + " " + key + ": never read back");
            return;
        }
        Set<String> reported = new HashSet<>();
        for (int node = 0; node < reads.size(); node++) {
            String got = reads.get(node);
            if (!ok.contains(got) && reported.add(got)) {
                anomalies.add(kind + " " + key + ": node " + node + " answers " + shortValue(got) + ", acceptable "
                        + ok.stream().map(Checker::shortValue).toList());
            }
        }
    }

    private static void replicated(List<String> anomalies, Observations seen, String kind, String address) {
        int holders = seen.holders().getOrDefault(address, 0);
        if (holders < seen.replication()) {
            anomalies.add(kind + " " + address + ": held by " + holders + " node(s), fewer than " + seen.replication());
        }
    }

    private static String shortValue(String v) {
        return v.length() == 64 ? v.substring(0, 12) : v;
    }
}
