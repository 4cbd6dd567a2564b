package io.cairn.client;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One block's write to its replicas: the primaries in parallel, a fallback for each primary that
 * fails with something another node could do better (unreachable, 5xx, full), acknowledged as soon
 * as the quorum holds the block (SPEC §2).
 *
 * <p>Outcomes and what they mean:
 * <ul>
 *   <li>201/200 from a node: one more durable copy.</li>
 *   <li>UNAVAILABLE, 5xx, 507, 429 after retries: that node could not; try the next fallback.</li>
 *   <li>422 (hash mismatch), 400, 401, 403, 413: the request itself is wrong and would be wrong
 *       everywhere; the write fails at once with that code.</li>
 * </ul>
 * {@link #acknowledged()} completes at quorum, or fails once the quorum can no longer be reached.
 * {@link #settled()} completes when every attempt has finished (the remaining copies are written
 * in the background, each bounded by its call's timeout), with the nodes that hold the block.
 *
 * <p>Thread-safe: all state changes under the instance lock; futures are completed outside it.
 */
final class QuorumWrite {
    private final Replicas.WritePlan plan;
    private final Function<NodeInfo, CompletableFuture<HttpReply>> send;
    private final Deque<NodeInfo> fallbacks;
    private final List<NodeInfo> holders = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final CompletableFuture<List<NodeInfo>> acknowledged = new CompletableFuture<>();
    private final CompletableFuture<List<NodeInfo>> settled = new CompletableFuture<>();
    private int pending;
    private int fullNodes;
    private CairnException fatal;

    private QuorumWrite(Replicas.WritePlan plan, Function<NodeInfo, CompletableFuture<HttpReply>> send) {
        this.plan = plan;
        this.send = send;
        this.fallbacks = new ArrayDeque<>(plan.fallbacks());
    }

    /** Starts the write; {@code send} performs one PUT to one node. */
    static QuorumWrite start(Replicas.WritePlan plan, Function<NodeInfo, CompletableFuture<HttpReply>> send) {
        QuorumWrite w = new QuorumWrite(plan, send);
        synchronized (w) {
            w.pending = plan.primaries().size();
        }
        plan.primaries().forEach(w::attempt);
        return w;
    }

    CompletableFuture<List<NodeInfo>> acknowledged() {
        return acknowledged;
    }

    CompletableFuture<List<NodeInfo>> settled() {
        return settled;
    }

    private void attempt(NodeInfo node) {
        CompletableFuture<HttpReply> reply;
        try {
            reply = send.apply(node);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((r, e) -> onOutcome(node, r, e));
    }

    private void onOutcome(NodeInfo node, HttpReply reply, Throwable error) {
        NodeInfo next = null;
        boolean ack = false;
        boolean fail = false;
        boolean done;
        synchronized (this) {
            pending--;
            if (error == null && reply.ok()) {
                holders.add(node);
                ack = holders.size() == plan.quorum();
            } else {
                CairnException why = error == null ? fromReply(node, reply) : unwrap(node, error);
                failures.add(why.getMessage());
                if (isFatal(why.code())) {
                    if (fatal == null) {
                        fatal = why;
                        fail = holders.size() < plan.quorum();
                    }
                } else {
                    if (why.code() == ErrorCode.INSUFFICIENT_STORAGE) {
                        fullNodes++;
                    }
                    if (fatal == null && !fallbacks.isEmpty()) {
                        next = fallbacks.poll();
                        pending++;
                    }
                }
            }
            done = pending == 0;
            if (done && holders.size() < plan.quorum() && fatal == null) {
                fail = true;
            }
        }
        if (ack) {
            acknowledged.complete(List.copyOf(holdersSnapshot()));
        }
        if (fail) {
            acknowledged.completeExceptionally(failure());
        }
        if (next != null) {
            attempt(next);
        }
        if (done) {
            settled.complete(List.copyOf(holdersSnapshot()));
        }
    }

    private synchronized List<NodeInfo> holdersSnapshot() {
        return new ArrayList<>(holders);
    }

    private synchronized CairnException failure() {
        if (fatal != null) {
            return fatal;
        }
        ErrorCode code = fullNodes > 0 && fullNodes == failures.size() ? ErrorCode.INSUFFICIENT_STORAGE : ErrorCode.UNAVAILABLE;
        return new CairnException(code, "block " + plan.address().hex().substring(0, 12) + " reached "
                + holders.size() + " of the " + plan.quorum() + " copies required ("
                + String.join("; ", failures) + ")");
    }

    static boolean isFatal(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, TOO_LARGE, HASH_MISMATCH, METHOD_NOT_ALLOWED -> true;
            default -> false;
        };
    }

    static CairnException fromReply(NodeInfo node, HttpReply reply) {
        return RemoteError.of(node.url().toString(), reply);
    }

    static CairnException unwrap(NodeInfo node, Throwable error) {
        Throwable e = error;
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof CairnException c ? c
                : new CairnException(ErrorCode.UNAVAILABLE, node.url() + ": " + e, e);
    }
}
