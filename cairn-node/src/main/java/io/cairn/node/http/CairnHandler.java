package io.cairn.node.http;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.metrics.NodeMetrics;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one Jetty handler: routes the request, checks the cluster key on internal routes,
 * turns failures into JSON errors and records every request's route, status, bytes and latency.
 *
 * <p>Threads: it declares itself NON_BLOCKING, so Jetty calls it on the I/O thread that parsed
 * the request. A route that says this request cannot block ({@link Route#nonBlocking}: a GET of
 * a block whose bytes are in memory) runs right there, which saves a hand-off to another thread
 * per request (measured: the largest single cost of a 64 KiB GET after the copies, issue #2);
 * every other route is handed to the server's virtual-thread executor, where it may block on
 * disk and on peers. Nothing here logs per request: the hot path is metered,
 * not logged; only unexpected failures (500) are logged.
 */
public final class CairnHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(CairnHandler.class);
    private static final String UNMATCHED = "unmatched";

    private final Router router;
    private final ClusterAuth auth;
    private final NodeMetrics metrics;
    /** Where routes that may block run: the server pool's virtual-thread executor (set at start). */
    private volatile java.util.concurrent.Executor blocking;

    public CairnHandler(Router router, ClusterAuth auth, NodeMetrics metrics) {
        super(Invocable.InvocationType.NON_BLOCKING);
        this.router = router;
        this.auth = auth;
        this.metrics = metrics;
    }

    @Override
    protected void doStart() throws Exception {
        blocking = org.eclipse.jetty.util.VirtualThreads.getExecutor(getServer().getThreadPool());
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // Jetty took the time when the request arrived: the latency counts from there, and the
        // hot path reads the clock once less (a clock read is a measurable share of a GET).
        long startNanos = request.getBeginNanoTime();
        metrics.requestStarted();
        String method = request.getMethod();
        Router.Match match = router.match(method, Request.getPathInContext(request));
        String routeName = match.entry() == null ? UNMATCHED : match.entry().pattern();
        Exchange[] holder = new Exchange[1];
        Callback completion = Callback.from(
                () -> {
                    holder[0].done();
                    record(routeName, method, response.getStatus(), startNanos, holder[0]);
                    callback.succeeded();
                },
                failure -> {
                    holder[0].done();
                    record(routeName, method, response.isCommitted() ? response.getStatus() : 500, startNanos, holder[0]);
                    callback.failed(failure);
                });
        Exchange exchange = new Exchange(request, response, completion, match.params());
        holder[0] = exchange;
        try {
            if (match.entry() == null) {
                if (!match.allowed().isEmpty()) {
                    response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", match.allowed()));
                    throw new CairnException(ErrorCode.METHOD_NOT_ALLOWED,
                            method + " is not allowed here; allowed: " + String.join(", ", match.allowed()));
                }
                throw new CairnException(ErrorCode.NOT_FOUND, "no such endpoint");
            }
            if (!match.entry().headers().isEmpty()) {
                exchange.stickyHeaders(match.entry().headers());
            }
            if (match.entry().internal() && !auth.accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                throw new CairnException(ErrorCode.UNAUTHORIZED, "this internal endpoint needs the cluster key");
            }
            Route route = match.entry().route();
            if (route.nonBlocking(exchange)) {
                run(route, exchange, routeName);
            } else {
                blocking.execute(() -> run(route, exchange, routeName));
            }
        } catch (Throwable t) {
            fail(exchange, routeName, t);
        }
        return true;
    }

    private void run(Route route, Exchange exchange, String routeName) {
        try {
            route.handle(exchange);
            if (!exchange.answered()) {
                throw new IllegalStateException("route " + routeName + " did not answer");
            }
        } catch (Throwable t) {
            fail(exchange, routeName, t);
        }
    }

    /** At most this much of a body is read and dropped before an early error answer (see below). */
    static final long DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

    /**
     * Reads and drops what is left of a request body before an early error answer, on a thread
     * that may block, as nginx's lingering close does: closing a connection whose receive buffer
     * still holds unread body bytes makes the kernel send a reset, which can reach the client
     * before the answer, so a client that sent an oversized body sometimes saw "connection reset"
     * instead of its 413. Bounded: a body declared larger than {@link #DRAIN_LIMIT_BYTES}, or one
     * without a length that goes on past it, is not waited for (the connection closes anyway).
     */
    private static void drainSmallBody(Exchange exchange) {
        long declared = exchange.request().getLength();
        if (declared > DRAIN_LIMIT_BYTES || !Thread.currentThread().isVirtual()) {
            return;
        }
        try {
            java.io.InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(exchange.request());
            byte[] scratch = new byte[16 * 1024];
            long left = DRAIN_LIMIT_BYTES;
            for (int n; left > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, left))) > 0; ) {
                left -= n;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // The client went away or the body was already consumed: nothing more to drop.
        }
    }

    private static boolean mayHaveUnreadBody(Exchange exchange) {
        var headers = exchange.request().getHeaders();
        return headers.contains(HttpHeader.TRANSFER_ENCODING) || headers.getLongField(HttpHeader.CONTENT_LENGTH) > 0;
    }

    private void fail(Exchange exchange, String routeName, Throwable t) {
        if (exchange.committed()) {
            // Too late for an error body: cut the connection so the client cannot take a partial
            // answer for a whole one.
            if (!(t instanceof CairnException) && !(t instanceof java.io.IOException)) {
                log.warn("{} failed after its answer started", routeName, t);
            }
            exchange.abort(t);
            return;
        }
        if (mayHaveUnreadBody(exchange)) {
            // An error answered before the body was read: Jetty must close the connection to skip
            // the rest of it, so say so, and a keep-alive client does not send its next request
            // on a connection about to close.
            exchange.response().getHeaders().put(HttpHeader.CONNECTION, "close");
            drainSmallBody(exchange);
        }
        if (t instanceof ByteRange.RangeNotSatisfiable r) {
            exchange.respondError(416, "range_not_satisfiable", r.getMessage(),
                    Map.of("Content-Range", "bytes */" + r.total()));
        } else if (t instanceof RateLimitedException r) {
            exchange.respondError(ErrorCode.RATE_LIMITED.httpStatus(), ErrorCode.RATE_LIMITED.wireCode(),
                    r.getMessage(), Map.of("Retry-After", Long.toString(r.retryAfterSeconds())));
        } else if (t instanceof CairnException c) {
            String allow = exchange.response().getHeaders().get(HttpHeader.ALLOW);
            Map<String, String> headers = c.code() == ErrorCode.METHOD_NOT_ALLOWED && allow != null
                    ? Map.of("Allow", allow)
                    : c.code() == ErrorCode.RATE_LIMITED ? Map.of("Retry-After", "1") : Map.of();
            exchange.respondError(c.code().httpStatus(), c.code().wireCode(), c.getMessage(), headers);
        } else if (t instanceof java.io.IOException) {
            // The client went away or sent a broken body; nothing useful to log.
            exchange.abort(t);
        } else {
            log.warn("{} failed", routeName, t);
            exchange.respondError(500, ErrorCode.INTERNAL.wireCode(), "internal error", Map.of());
        }
    }

    private void record(String route, String method, int status, long startNanos, Exchange exchange) {
        metrics.requestEnded(route, method, status, System.nanoTime() - startNanos,
                exchange == null ? 0 : exchange.bytesIn, exchange == null ? 0 : exchange.bytesOut);
    }
}
