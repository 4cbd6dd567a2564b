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
    private final BlockingHttp http = new BlockingHttp(Duration.ofSeconds(5));
    private final String clusterKey;

    public BlockingTransport(String clusterKey) {
        this.clusterKey = clusterKey;
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
            var reply = http.call(call.method(), call.uri(), headers, body, MAX_BODY_BYTES, call.timeout());
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
