package io.cairn.node.directory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for {@code need} of several calls to succeed, or for it to become impossible, or for a
 * timeout, whichever comes first. Calls still running go on in the background (a write's third
 * copy is not cut off). Thread-safe; one per operation.
 */
final class Quorum {
    private Quorum() {}

    /** The number of calls that had succeeded when the wait ended. */
    static int await(List<? extends CompletableFuture<?>> calls, int need, long timeoutMs) {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Void> decided = new CompletableFuture<>();
        int n = calls.size();
        for (CompletableFuture<?> c : calls) {
            c.whenComplete((v, e) -> {
                if (e == null) {
                    if (ok.incrementAndGet() >= need) {
                        decided.complete(null);
                    }
                } else if (n - failed.incrementAndGet() < need) {
                    decided.complete(null);
                }
            });
        }
        if (need <= 0) {
            return ok.get();
        }
        try {
            decided.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // decided by the count below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ok.get();
    }
}
