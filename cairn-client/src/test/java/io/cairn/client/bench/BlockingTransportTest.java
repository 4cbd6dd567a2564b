package io.cairn.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator's blocking transport against a loopback server: calls, keys, statuses, failures. */
class BlockingTransportTest {
    private HttpServer server;
    private URI base;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String path = ex.getRequestURI().getPath();
            byte[] answer = path.startsWith("/big/")
                    ? filled(BlockingTransport.REUSED_BODY_BYTES + 100, path.charAt(path.length() - 1))
                    : ("you asked " + ex.getRequestMethod() + " " + path).getBytes(StandardCharsets.UTF_8);
            int status = ex.getRequestURI().getPath().startsWith("/missing") ? 404 : 200;
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aCallIsDoneWhenExchangeReturnsAndCarriesStatusAndBody() {
        try (BlockingTransport t = new BlockingTransport("secret")) {
            HttpReply r = t.exchange(new HttpCall("GET", base.resolve("/blocks/ab"), Map.of(), null, Duration.ofSeconds(5), false))
                    .getNow(null);
            assertThat(r).as("completed on the calling thread").isNotNull();
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("you asked GET /blocks/ab");
            HttpReply missing = t.exchange(HttpCall.get(base.resolve("/missing/x"))).join();
            assertThat(missing.status()).isEqualTo(404);
        }
    }

    @Test
    void onlyInternalCallsCarryTheClusterKey() {
        try (BlockingTransport t = new BlockingTransport("secret")) {
            t.exchange(HttpCall.get(base.resolve("/public"))).join();
            t.exchange(HttpCall.get(base.resolve("/internal")).internalCall()).join();
        }
        try (BlockingTransport open = new BlockingTransport(null)) {
            open.exchange(HttpCall.get(base.resolve("/internal")).internalCall()).join();
        }
        assertThat(authorizations).containsExactly("null", "Bearer secret", "null");
    }

    @Test
    void aBodyIsSentWhole() {
        try (BlockingTransport t = new BlockingTransport(null)) {
            ByteBuffer body = ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.UTF_8)).position(3);
            HttpReply r = t.exchange(new HttpCall("POST", base.resolve("/blocks"), Map.of("Content-Type", "text/plain"), body,
                    Duration.ofSeconds(5), false)).join();
            assertThat(r.status()).isEqualTo(200);
            assertThat(body.position()).as("the caller's buffer is not consumed").isEqualTo(3);
        }
        assertThat(bodies).containsExactly("3456789");
    }

    @Test
    void reusedBodiesBelongToTheirThreadUntilItsNextCallAndSmallOnesAreNeverReused() throws Exception {
        try (BlockingTransport t = new BlockingTransport(null, true)) {
            byte[] first = t.exchange(HttpCall.get(base.resolve("/big/a"))).join().body();
            assertThat(first).isEqualTo(filled(first.length, 'a'));
            byte[] second = t.exchange(HttpCall.get(base.resolve("/big/b"))).join().body();
            assertThat(second).as("the same thread's array, refilled").isSameAs(first).isEqualTo(filled(first.length, 'b'));
            var other = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                byte[] elsewhere = other.submit(() -> t.exchange(HttpCall.get(base.resolve("/big/c"))).join().body()).get();
                assertThat(elsewhere).isNotSameAs(first).isEqualTo(filled(first.length, 'c'));
                assertThat(first).as("untouched by another thread's call").isEqualTo(filled(first.length, 'b'));
            } finally {
                other.shutdownNow();
            }
            byte[] small = t.exchange(HttpCall.get(base.resolve("/s"))).join().body();
            assertThat(t.exchange(HttpCall.get(base.resolve("/s"))).join().body()).isNotSameAs(small).isEqualTo(small);
        }
        try (BlockingTransport t = new BlockingTransport(null)) {
            byte[] first = t.exchange(HttpCall.get(base.resolve("/big/a"))).join().body();
            byte[] second = t.exchange(HttpCall.get(base.resolve("/big/b"))).join().body();
            assertThat(second).isNotSameAs(first);
            assertThat(first).isEqualTo(filled(first.length, 'a'));
        }
    }

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) c);
        return b;
    }

    @Test
    void anUnreachableNodeFailsTheFutureAsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (BlockingTransport t = new BlockingTransport(null)) {
            var f = t.exchange(HttpCall.get(URI.create("http://127.0.0.1:" + port + "/blocks/ab")));
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::join).hasCauseInstanceOf(CairnException.class)
                    .cause().satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }
}
