package io.cairn.client;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.EOFException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link Transport}: Jetty 12 {@link HttpClient} over HTTP/1.1.
 *
 * <p>Limits, all explicit (see {@link Builder}):
 * <ul>
 *   <li><b>in flight per node</b>: HTTP/1.1 carries one exchange per connection, so the pool's
 *       {@code maxConnectionsPerDestination} is exactly the number of requests in flight to one
 *       host:port. Connections are kept alive and reused, which is what many parallel 64 KiB
 *       block transfers need.</li>
 *   <li><b>queued per node</b>: requests beyond the in-flight limit wait in Jetty's per-destination
 *       queue, bounded by {@code maxQueuedPerNode}; beyond that the call fails at once with
 *       UNAVAILABLE rather than growing memory without bound.</li>
 *   <li><b>response bytes</b>: a body larger than {@code maxResponseBytes} fails the call with
 *       TOO_LARGE instead of being buffered.</li>
 *   <li><b>time</b>: connect timeout, idle timeout, and each call's own total timeout.</li>
 * </ul>
 *
 * <p>Futures are completed on a virtual thread, never on a Jetty selector or I/O thread, so
 * callers may chain blocking work (hashing, disk writes) onto them without stalling the client.
 *
 * <p>Calls marked {@link HttpCall#internal()} carry {@code Authorization: Bearer <cluster key>}
 * (SPEC §6) when a key was given; with a null key (open cluster) no header is added.
 */
public final class JettyTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(JettyTransport.class);

    public static final int DEFAULT_MAX_IN_FLIGHT_PER_NODE = 64;
    public static final int DEFAULT_MAX_QUEUED_PER_NODE = 4096;
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String clusterKey;
    private final int maxResponseBytes;
    private final ExecutorService completions;

    /** A transport with the defaults; {@code clusterKey} null means an open cluster. */
    public JettyTransport(String clusterKey) {
        this(builder().clusterKey(clusterKey));
    }

    private JettyTransport(Builder b) {
        this.clusterKey = b.clusterKey;
        this.maxResponseBytes = b.maxResponseBytes;
        this.completions = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("cairn-transport-", 0).factory());
        QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, 2);
        pool.setName("cairn-http-client");
        pool.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(pool);
        connector.setConnectTimeout(b.connectTimeout);
        connector.setIdleTimeout(b.idleTimeout);
        connector.setSelectors(1);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        // Replies are read on the selector thread instead of being handed to the pool first: the
        // only listener is ReplyListener, which copies the body into its array and hands the
        // completion to a virtual thread, and request bodies are buffers, so nothing here blocks.
        // One hand-off less per call: the verified-GET generator's CPU per GET fell 14 %, context
        // switches 25 %, its closed-loop peak rose from 13.1-14.6k to 18.6-19.3k GET/s
        // (alternating runs, docs/BENCHMARKS.md, DECISIONS 94).
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        this.http = new HttpClient(transport);
        http.setExecutor(pool);
        http.setMaxConnectionsPerDestination(b.maxInFlightPerNode);
        http.setMaxRequestsQueuedPerDestination(b.maxQueuedPerNode);
        http.setConnectTimeout(b.connectTimeout.toMillis());
        http.setIdleTimeout(b.idleTimeout.toMillis());
        http.setFollowRedirects(false);
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "cairn"));
        // Block-sized buffers: a 64 KiB chunk goes out in one or two writes.
        http.setRequestBufferSize(16 * 1024);
        http.setResponseBufferSize(64 * 1024);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
        log.debug("transport: {} in flight and {} queued per node, responses up to {} bytes, connect timeout {}",
                b.maxInFlightPerNode, b.maxQueuedPerNode, b.maxResponseBytes, b.connectTimeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<HttpReply> exchange(HttpCall call) {
        CompletableFuture<HttpReply> future = new CompletableFuture<>();
        Request request;
        try {
            request = http.newRequest(call.uri())
                    .method(call.method())
                    .timeout(call.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            future.completeExceptionally(new CairnException(ErrorCode.BAD_REQUEST,
                    "cannot call " + call.uri() + ": " + e.getMessage(), e));
            return future;
        }
        String contentType = null;
        for (Map.Entry<String, String> h : call.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("content-type")) {
                contentType = h.getValue();
            } else {
                request.headers(f -> f.put(h.getKey(), h.getValue()));
            }
        }
        if (call.internal() && clusterKey != null) {
            request.headers(f -> f.put(HttpHeader.AUTHORIZATION, "Bearer " + clusterKey));
        }
        ByteBuffer body = call.body();
        if (body != null) {
            request.body(new ByteBufferRequestContent(
                    contentType == null ? "application/octet-stream" : contentType, body.slice()));
        } else if (contentType != null) {
            String type = contentType;
            request.headers(f -> f.put(HttpHeader.CONTENT_TYPE, type));
        }
        request.send(new ReplyListener(maxResponseBytes) {
            @Override
            void onReply(HttpReply reply) {
                completions.execute(() -> future.complete(reply));
            }

            @Override
            void onFailed(Throwable failure) {
                CairnException translated = translate(call, failure);
                completions.execute(() -> future.completeExceptionally(translated));
            }
        });
        return future;
    }

    /** Maps a Jetty failure onto the error code the caller reasons about. */
    static CairnException translate(HttpCall call, Throwable failure) {
        String where = call.method() + " " + call.uri();
        String reason = null;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 8 && reason == null; depth++, t = t.getCause()) {
            if (t instanceof ReplyListener.BodyTooLarge) {
                return new CairnException(ErrorCode.TOO_LARGE, where + ": response body over the transport's limit", failure);
            }
            if (t instanceof TimeoutException) {
                reason = "timed out";
            } else if (t instanceof RejectedExecutionException) {
                reason = "too many requests queued for this node";
            } else if (t instanceof ConnectException) {
                reason = "connection refused";
            } else if (t instanceof EOFException || t instanceof java.nio.channels.ClosedChannelException) {
                reason = "connection closed";
            }
        }
        if (reason == null) {
            reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        }
        return new CairnException(ErrorCode.UNAVAILABLE, where + ": " + reason, failure);
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            log.debug("stopping the HTTP client", e);
        }
        completions.close();
    }

    /** Every limit of the transport, one setter each, the unit in the name or the type. */
    public static final class Builder {
        private String clusterKey;
        private int maxInFlightPerNode = DEFAULT_MAX_IN_FLIGHT_PER_NODE;
        private int maxQueuedPerNode = DEFAULT_MAX_QUEUED_PER_NODE;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxThreads = 32;

        private Builder() {}

        /** The shared secret for internal calls; null means an open cluster. */
        public Builder clusterKey(String key) {
            this.clusterKey = key;
            return this;
        }

        public Builder maxInFlightPerNode(int n) {
            this.maxInFlightPerNode = positive(n, "maxInFlightPerNode");
            return this;
        }

        public Builder maxQueuedPerNode(int n) {
            this.maxQueuedPerNode = positive(n, "maxQueuedPerNode");
            return this;
        }

        public Builder maxResponseBytes(int n) {
            this.maxResponseBytes = positive(n, "maxResponseBytes");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Jetty's own I/O threads (selector and parsing); completions run on virtual threads. */
        public Builder maxThreads(int n) {
            this.maxThreads = Math.max(4, n);
            return this;
        }

        public JettyTransport build() {
            return new JettyTransport(this);
        }

        private static int positive(int n, String what) {
            if (n <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + n);
            }
            return n;
        }
    }
}
