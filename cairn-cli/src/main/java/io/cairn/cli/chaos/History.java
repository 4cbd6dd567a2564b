package io.cairn.cli.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What the workload did and what it was told, in invocation order (Jepsen's history). Only
 * {@link Outcome#OK} operations are promises the cluster must keep; {@link Outcome#FAILED} ones
 * were refused with a 4xx, which changes nothing; {@link Outcome#INDETERMINATE} ones got no
 * answer or a 5xx and may or may not have taken effect.
 */
final class History {
    enum Type { FILE_PUT, NAME_PUT, NAME_DELETE, DRIVE_STORE, BAD_PUT, FILE_GET, DRIVE_GET }

    enum Outcome { OK, FAILED, INDETERMINATE }

    /**
     * One operation: {@code key} is the address or name, {@code value} the SHA-256 hex of the
     * bytes written (null for a delete), times are the run's monotonic ms.
     */
    record Op(long id, Type type, String key, String value, long size, int node, long startMs, long endMs,
              Outcome outcome, String detail) {}

    private final List<Op> ops = new ArrayList<>();
    private final int limit;

    History(int limit) {
        this.limit = limit;
    }

    synchronized boolean add(Op op) {
        if (ops.size() >= limit) {
            return false;
        }
        ops.add(op);
        return true;
    }

    synchronized int nextId() {
        return ops.size();
    }

    synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    static Outcome outcomeOf(int status) {
        if (status >= 200 && status < 300) {
            return Outcome.OK;
        }
        // SPEC §3: "A failed request changes nothing". Held to it: 4xx (the request's fault,
        // refused before anything is written). Not held: 503/507/5xx of a quorum write, which
        // may leave a minority copy that repair or anti-entropy later spreads (docs/RELIABILITY.md).
        if (status >= 400 && status < 500) {
            return Outcome.FAILED;
        }
        return Outcome.INDETERMINATE;
    }
}
