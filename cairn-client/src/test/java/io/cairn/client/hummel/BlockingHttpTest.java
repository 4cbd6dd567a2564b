package io.cairn.client.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockingHttp} against a scripted HTTP/1.1 server on 127.0.0.1: framing (length,
 * chunked, connection end), ranges, redirects, connection reuse and hostile answers.
 */
class BlockingHttpTest {
    private static final Duration IDLE = Duration.ofSeconds(5);

    private final BlockingHttp get = new BlockingHttp(Duration.ofSeconds(2));
    private Server server;

    @AfterEach
    void tearDown() throws IOException {
        get.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readsALengthFramedBodyAndReusesTheConnection() throws IOException {
        server = new Server((n, head) -> ok("hello world " + n));
        assertThat(body(server.uri("/a"))).isEqualTo("hello world 1");
        assertThat(body(server.uri("/b?x=1"))).isEqualTo("hello world 2");
        assertThat(server.connections.get()).as("one kept-alive connection").isEqualTo(1);
        assertThat(server.heads.getFirst()).startsWith("GET /a HTTP/1.1\r\nHost: 127.0.0.1:" + server.port());
        assertThat(server.heads.get(1)).startsWith("GET /b?x=1 HTTP/1.1");
    }

    @Test
    void sendsTheRangeAndAcceptsOnlyTheBytesAskedFor() throws IOException {
        server = new Server((n, head) -> n == 1
                ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/20\r\nContent-Length: 5\r\n\r\n56789"
                : n == 2 ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-4/20\r\nContent-Length: 5\r\n\r\n01234"
                : ok("the whole thing"));
        HummelHttp.Opened o = get.open(server.uri("/f"), 5, 9, IDLE);
        try (InputStream in = o.body()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("56789");
        }
        assertThat(o.offset()).isEqualTo(5);
        assertThat(o.length()).isEqualTo(5);
        assertThat(server.heads.getFirst()).contains("\r\nRange: bytes=5-9\r\n");
        assertThatThrownBy(() -> get.open(server.uri("/f"), 5, -1, IDLE)).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 206"); // another start than asked
        assertThatThrownBy(() -> get.open(server.uri("/f"), 7, -1, IDLE)).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 200"); // the whole file to a range
    }

    @Test
    void decodesAChunkedBodyWithExtensionsAndTrailers() throws IOException {
        server = new Server((n, head) -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\n6\r\nchunks\r\n0\r\nX-Trailer: t\r\n\r\n");
        readsTwice("/c", "hello chunks", 1);
    }

    @Test
    void aBodyWithoutFramingEndsWithTheConnection() throws IOException {
        server = new Server((n, head) -> "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", true);
        readsTwice("/e", "until the end", 2);
    }

    @Test
    void aBodyCutShortIsAnErrorNotAnEnd() throws IOException {
        server = new Server((n, head) -> "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", true);
        HummelHttp.Opened o = get.open(server.uri("/short"), 0, -1, IDLE);
        try (InputStream in = o.body()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("before the end");
        }
    }

    @Test
    void aCallsAnswerCutShortIsAnErrorAndAWholeOneIsExact() throws IOException {
        server = new Server((n, head) -> head.startsWith("GET /short")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"
                : ok("0123456789"), true);
        assertThatThrownBy(() -> get.call("GET", server.uri("/short"), java.util.Map.of(), null, 4096, IDLE))
                .isInstanceOf(IOException.class).hasMessageContaining("before the end");
        HummelHttp.Reply whole = get.call("GET", server.uri("/whole"), java.util.Map.of(), null, 4096, IDLE);
        assertThat(whole.body()).hasSize(10).isEqualTo("0123456789".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void followsRedirectsKeepingTheRangeAndGivesUpOnALoop() throws IOException {
        server = new Server((n, head) -> head.startsWith("GET /archive")
                ? "HTTP/1.1 307 Temporary Redirect\r\nLocation: /files/abc\r\nContent-Length: 0\r\n\r\n"
                : head.startsWith("GET /files/abc")
                ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 3-5/6\r\nContent-Length: 3\r\n\r\ndef"
                : "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 4\r\n\r\nloop");
        try (InputStream in = get.open(server.uri("/archive"), 3, -1, IDLE).body()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("def");
        }
        assertThat(server.heads.get(1)).startsWith("GET /files/abc HTTP/1.1").contains("Range: bytes=3-\r\n");
        assertThat(server.connections.get()).as("the redirect's connection is kept").isEqualTo(1);
        assertThatThrownBy(() -> get.open(server.uri("/loop"), 0, -1, IDLE)).isInstanceOf(IOException.class)
                .hasMessageContaining("redirects");
    }

    @Test
    void aPooledConnectionTheServerClosedIsReplacedOnce() throws IOException {
        // answers once per connection, then closes it without saying so
        server = new Server((n, head) -> ok("answer " + n), true);
        assertThat(body(server.uri("/1"))).isEqualTo("answer 1");
        assertThat(body(server.uri("/2"))).isEqualTo("answer 2");
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void errorStatusesAreIoExceptions() throws IOException {
        server = new Server((n, head) -> "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
        assertThatThrownBy(() -> get.open(server.uri("/missing"), 0, -1, IDLE)).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void hostileAnswersAreRefused() throws IOException {
        List<String> answers = List.of(
                "SSH-2.0-OpenSSH\r\n\r\n",
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n");
        server = new Server((n, head) -> answers.get(n - 1), true);
        for (int i = 0; i < answers.size(); i++) {
            int at = i;
            assertThatThrownBy(() -> get.open(server.uri("/h" + at), 0, -1, IDLE)).as("answer %d", at)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void badChunksAreErrors() throws IOException {
        List<String> answers = List.of(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
        server = new Server((n, head) -> answers.get(n - 1), true);
        for (int i = 0; i < answers.size(); i++) {
            HummelHttp.Opened o = get.open(server.uri("/c" + i), 0, -1, IDLE);
            try (InputStream in = o.body()) {
                assertThatThrownBy(in::readAllBytes).as("answer %d", i).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void silenceLongerThanTheIdleTimeoutIsAnError() throws IOException {
        server = new Server((n, head) -> null); // reads the request, never answers
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> get.open(server.uri("/slow"), 0, -1, Duration.ofMillis(300)))
                        .isInstanceOf(IOException.class).hasMessageContaining("no answer within 300 ms"));
    }

    @Test
    void aRefusedConnectionAndANonHttpUrlAreIoExceptions() throws IOException {
        int unused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unused = s.getLocalPort();
        }
        assertThatThrownBy(() -> get.open(URI.create("http://127.0.0.1:" + unused + "/x"), 0, -1, IDLE))
                .isInstanceOf(IOException.class).hasMessageContaining("connect 127.0.0.1:" + unused);
        assertThatThrownBy(() -> get.open(URI.create("ftp://127.0.0.1/x"), 0, -1, IDLE))
                .isInstanceOf(IOException.class).hasMessageContaining("not an http URL");
    }

    @Test
    void aLargeBodyArrivesWhole() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >>> 13));
        }
        server = new Server((n, head) -> "HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n", false, big);
        try (InputStream in = get.open(server.uri("/big"), 0, -1, IDLE).body()) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[100_000]; // larger than the read-ahead: read straight into this array
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            assertThat(got.toByteArray()).isEqualTo(big);
        }
    }

    @Test
    void callsSendTheirBodyAndHeadersAndFollowA307WithThem() throws IOException {
        server = new Server((n, head) -> head.startsWith("POST /old")
                ? "HTTP/1.1 307 Temporary Redirect\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"
                : "HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\ncreated");
        byte[] json = "{\"hashes\":[\"ab\"]}".getBytes(StandardCharsets.UTF_8);
        HummelHttp.Reply r = get.call("POST", server.uri("/old"), java.util.Map.of("X-HUMMEL-TOKEN", "t0k"), json, 1024, IDLE);
        assertThat(r.status()).isEqualTo(201);
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("created");
        assertThat(server.heads).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(server.heads.get(i)).contains("\r\nX-HUMMEL-TOKEN: t0k\r\n").contains("\r\nContent-Length: " + json.length + "\r\n");
            assertThat(server.bodies.get(i)).isEqualTo("{\"hashes\":[\"ab\"]}");
        }
        assertThat(server.heads.get(1)).startsWith("POST /new HTTP/1.1");
    }

    @Test
    void callsRefuseOversizedAnswersAndUnsendableHeaders() throws IOException {
        server = new Server((n, head) -> ok("x".repeat(5000)));
        assertThatThrownBy(() -> get.call("GET", server.uri("/big"), java.util.Map.of(), null, 4096, IDLE))
                .isInstanceOf(BlockingHttp.TooLargeAnswer.class);
        assertThatThrownBy(() -> get.call("GET", server.uri("/x"), java.util.Map.of("X-Evil", "a\r\nInjected: yes"), null, 4096, IDLE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(server.heads).hasSize(1); // the refused header never reached the wire
    }

    @Test
    void aCallsTimeoutBoundsTheWholeExchange() throws IOException {
        var drip = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            // the answer's bytes keep coming, each within any idle timeout, but never end
            server = new Server((n, head) -> "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n", false, new byte[10]) {
                @Override
                void afterAnswer(OutputStream out) {
                    // a byte every 50 ms, 100 at most, until the client goes away
                    AtomicInteger sent = new AtomicInteger();
                    java.util.concurrent.ScheduledFuture<?>[] task = new java.util.concurrent.ScheduledFuture<?>[1];
                    task[0] = drip.scheduleAtFixedRate(() -> {
                        try {
                            out.write('x');
                            out.flush();
                            if (sent.incrementAndGet() == 100) {
                                task[0].cancel(false);
                            }
                        } catch (IOException e) {
                            task[0].cancel(false);
                        }
                    }, 50, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            };
            assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                    assertThatThrownBy(() -> get.call("GET", server.uri("/drip"), java.util.Map.of(), null, 1 << 20, Duration.ofMillis(400)))
                            .isInstanceOf(IOException.class));
        } finally {
            drip.shutdownNow();
        }
    }

    /** Two GETs of {@code path} give {@code expected}, over {@code connections} connections. */
    private void readsTwice(String path, String expected, int connections) throws IOException {
        assertThat(body(server.uri(path))).isEqualTo(expected);
        assertThat(body(server.uri(path))).isEqualTo(expected);
        assertThat(server.connections.get()).isEqualTo(connections);
    }

    private String body(URI uri) throws IOException {
        try (InputStream in = get.open(uri, 0, -1, IDLE).body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /**
     * Answers each request head with {@code script(requestNumber, head)} (null: no answer); with
     * {@code closeAfter}, closes the connection after one answer.
     */
    private static class Server implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<Socket> open = new CopyOnWriteArrayList<>();
        final Thread acceptor;

        Server(BiFunction<Integer, String, String> script) throws IOException {
            this(script, false);
        }

        Server(BiFunction<Integer, String, String> script, boolean closeAfter) throws IOException {
            this(script, closeAfter, new byte[0]);
        }

        Server(BiFunction<Integer, String, String> script, boolean closeAfter, byte[] tail) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        return;
                    }
                    connections.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s, script, closeAfter, tail));
                }
            });
        }

        private void serve(Socket s, BiFunction<Integer, String, String> script, boolean closeAfter, byte[] tail) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    heads.add(head);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\nContent-Length: (\\d+)\r\n").matcher(head);
                    bodies.add(m.find() ? new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8) : "");
                    String answer = script.apply(requests.incrementAndGet(), head);
                    if (answer == null) {
                        in.readAllBytes(); // silent until the client goes away
                        return;
                    }
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.write(tail);
                    out.flush();
                    afterAnswer(out);
                    if (closeAfter) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        void afterAnswer(OutputStream out) {
            // nothing more by default
        }

        private static String readHead(InputStream in) throws IOException {
            List<Byte> bytes = new ArrayList<>();
            int c;
            while ((c = in.read()) >= 0) {
                bytes.add((byte) c);
                int n = bytes.size();
                if (n >= 4 && bytes.get(n - 4) == '\r' && bytes.get(n - 3) == '\n' && bytes.get(n - 2) == '\r'
                        && bytes.get(n - 1) == '\n') {
                    byte[] b = new byte[n];
                    for (int i = 0; i < n; i++) {
                        b[i] = bytes.get(i);
                    }
                    return new String(b, StandardCharsets.ISO_8859_1);
                }
                if (n > 16 * 1024) {
                    throw new IOException("request head too large");
                }
            }
            return null;
        }

        int port() {
            return socket.getLocalPort();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port() + path);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
