package io.cairn.client.bench;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.client.hummel.BlockingHttp;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * {@link BlockingHttp} behind the {@link Transport} seam, for the load generator only
 * ({@code cairn bench --http blocking}): each call runs to its end on the calling thread, on a
 * pooled keep-alive socket, and returns a completed future. Replies carry no headers (the block
 * client reads none but {@code Retry-After}, and falls back to its own back-off without it).
 *
 * <p>Why: an open-loop run's latency counts from when each operation was due, so the generator's
 * own scheduling is part of every figure. Through the Jetty client a GET wakes the selector
 * thread, a completion thread and then the waiting worker, three hand-offs on top of the worker's
 * timed wait; here the worker that waited for the due time writes the request and reads the
 * answer itself (docs/BENCHMARKS.md, "Seventh session"). Not used by anything in production.
 */
public final class BlockingTransport implements Transport {
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    /** Bodies from this size up are read into the calling thread's reused array, when asked to. */
    static final int REUSED_BODY_BYTES = 16 * 1024;
    private final BlockingHttp http = new BlockingHttp(Duration.ofSeconds(5));
    private final String clusterKey;
    private final IntFunction<byte[]> bodyArrays;

    /** A transport whose every reply has a body of its own. */
    public BlockingTransport(String clusterKey) {
        this(clusterKey, false);
    }

    /**
     * With {@code reuseBodies}, a reply body of {@link #REUSED_BODY_BYTES} or more is read into
     * an array the calling thread reuses: it is valid only until that thread's next exchange.
     *
     * <p>Why: the generator's workers each read and verify one 64 KiB block at a time and keep
     * none, so a fresh array per answer was nothing but garbage, ~750 MB/s at half the GET peak,
     * and every young collection it caused paused the workers whose latencies the run records
     * (docs/BENCHMARKS.md, "Ninth session"). wrk, the baseline, allocates nothing per request.
     */
    public BlockingTransport(String clusterKey, boolean reuseBodies) {
        this.clusterKey = clusterKey;
        if (reuseBodies) {
            ThreadLocal<byte[]> reused = new ThreadLocal<>();
            this.bodyArrays = n -> {
                if (n < REUSED_BODY_BYTES) {
                    return new byte[n];
                }
                byte[] b = reused.get();
                if (b == null || b.length != n) {
                    b = new byte[n];
                    reused.set(b);
                }
                return b;
            };
        } else {
            this.bodyArrays = byte[]::new;
        }
    }

    @Override
    public CompletableFuture<HttpReply> exchange(HttpCall call) {
        Map<String, String> headers = call.headers();
        if (call.internal() && clusterKey != null) {
            headers = new HashMap<>(headers);
            headers.put("Authorization", "Bearer " + clusterKey);
        }
        byte[] body = null;
        if (call.body() != null) {
            body = new byte[call.body().remaining()];
            call.body().duplicate().get(body);
        }
        try {
            var reply = http.call(call.method(), call.uri(), headers, body, MAX_BODY_BYTES, call.timeout(), bodyArrays);
            return CompletableFuture.completedFuture(new HttpReply(reply.status(), Map.of(), reply.body()));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.UNAVAILABLE,
                    call.method() + " " + call.uri() + ": " + e.getMessage(), e));
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
