package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Jetty transport against the JDK's tiny HTTP server: headers, limits and failure mapping. */
class JettyTransportTest {
    private HttpServer server;
    private URI base;
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/echo", ex -> {
            lastAuthorization.set(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("X-Seen", String.valueOf(body.length));
            ex.sendResponseHeaders(body.length == 0 ? 204 : 200, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/big", ex -> {
            byte[] body = new byte[4096];
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/chunked", ex -> {
            // No Content-Length: the body arrives chunked, in pieces, and the size is learnt as it comes.
            ex.sendResponseHeaders(200, 0);
            for (int i = 0; i < 40; i++) {
                byte[] piece = new byte[1000];
                java.util.Arrays.fill(piece, (byte) i);
                ex.getResponseBody().write(piece);
                ex.getResponseBody().flush();
            }
            ex.close();
        });
        server.createContext("/missing", ex -> {
            byte[] body = "{\"error\":\"not_found\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/slow", ex -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void internalCallsCarryTheClusterKeyAndPublicOnesDoNot() {
        try (JettyTransport t = new JettyTransport("s3cret")) {
            HttpCall put = new HttpCall("PUT", base.resolve("/echo"), Map.of("Content-Type", "application/json"),
                    ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(5), false);
            HttpReply reply = t.exchange(put).join();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(reply.header("x-seen")).isEqualTo("5");
            assertThat(lastAuthorization.get()).isNull();

            t.exchange(put.internalCall()).join();
            assertThat(lastAuthorization.get()).isEqualTo("Bearer s3cret");
        }
    }

    @Test
    void anOpenClusterSendsNoKey() {
        try (JettyTransport t = new JettyTransport(null)) {
            t.exchange(HttpCall.get(base.resolve("/echo")).internalCall()).join();
            assertThat(lastAuthorization.get()).isNull();
        }
    }

    @Test
    void errorStatusesCompleteNormally() {
        try (JettyTransport t = new JettyTransport(null)) {
            HttpReply reply = t.exchange(HttpCall.get(base.resolve("/missing"))).join();
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.ok()).isFalse();
        }
    }

    @Test
    void anUnreachableNodeIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (JettyTransport t = new JettyTransport(null)) {
            assertThatThrownBy(() -> t.exchange(HttpCall.get(URI.create("http://127.0.0.1:" + closedPort + "/x"))).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }

    @Test
    void aResponseOverTheLimitIsRefused() {
        try (JettyTransport t = JettyTransport.builder().maxResponseBytes(1024).build()) {
            assertThatThrownBy(() -> t.exchange(HttpCall.get(base.resolve("/big"))).join())
                    .cause().isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        }
    }

    @Test
    void aChunkedBodyIsCollectedWholeAndBoundedToo() {
        try (JettyTransport t = new JettyTransport(null)) {
            byte[] body = t.exchange(HttpCall.get(base.resolve("/chunked"))).join().body();
            assertThat(body).hasSize(40_000);
            for (int i = 0; i < 40; i++) {
                assertThat(body[i * 1000]).isEqualTo((byte) i);
                assertThat(body[i * 1000 + 999]).isEqualTo((byte) i);
            }
        }
        try (JettyTransport t = JettyTransport.builder().maxResponseBytes(10_000).build()) {
            assertThatThrownBy(() -> t.exchange(HttpCall.get(base.resolve("/chunked"))).join())
                    .cause().isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        }
    }

    @Test
    void aSlowNodeTimesOutAsUnavailable() {
        try (JettyTransport t = new JettyTransport(null)) {
            assertThatThrownBy(() -> t.exchange(HttpCall.get(base.resolve("/slow")).withTimeout(Duration.ofMillis(200))).join())
                    .cause().isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }

    @Test
    void requestsBeyondTheQueueBoundAreRefusedNotBuffered() {
        try (JettyTransport t = JettyTransport.builder().maxInFlightPerNode(1).maxQueuedPerNode(1).build()) {
            var first = t.exchange(HttpCall.get(base.resolve("/slow")));
            var second = t.exchange(HttpCall.get(base.resolve("/slow")));
            var third = t.exchange(HttpCall.get(base.resolve("/slow")));
            AtomicInteger refused = new AtomicInteger();
            for (var f : java.util.List.of(first, second, third)) {
                f.exceptionally(e -> {
                    refused.incrementAndGet();
                    return null;
                });
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> refused.get() >= 1);
            release.countDown();
            assertThat(first.join().status()).isEqualTo(204);
        }
    }
}
