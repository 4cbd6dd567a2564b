package io.cairn.node.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Clock;
import io.cairn.core.names.Name;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memcache listener over raw sockets, against an in-memory backend: every command, noreply,
 * and the malformed inputs (bad keys, bad numbers, bad data blocks, over-long lines, oversized
 * values, a stalled client) that must be answered without ending the handler.
 */
class MemcacheProtocolTest {
    private static final int MAX_VALUE = 1024;
    private static final int MAX_LINE = 1024;
    private final Map<Name, MemcacheBackend.Item> items = new ConcurrentHashMap<>();
    private MemcacheServer server;

    /** A map with memcache semantics, no expiry. */
    private final MemcacheBackend backend = new MemcacheBackend() {
        @Override
        public Item get(Name key) {
            return items.get(key);
        }

        @Override
        public boolean store(Mode mode, Name key, byte[] value, int flags, long expires) {
            boolean exists = items.containsKey(key);
            if ((mode == Mode.ADD && exists) || (mode == Mode.REPLACE && !exists)) {
                return false;
            }
            items.put(key, new Item(value, flags, items.size() + 1));
            return true;
        }

        @Override
        public boolean delete(Name key) {
            return items.remove(key) != null;
        }

        @Override
        public boolean touch(Name key, long expires) {
            return items.containsKey(key);
        }
    };

    @BeforeEach
    void start() throws IOException {
        server = MemcacheServer.start("127.0.0.1", 0, backend,
                new MemcacheServer.Limits(MAX_VALUE, MAX_LINE, 8, Duration.ofSeconds(30)), Clock.SYSTEM);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A raw connection: send bytes, read the reply up to a terminator. */
    private final class Conn implements AutoCloseable {
        final Socket s;
        final OutputStream out;
        final InputStream in;

        Conn() throws IOException {
            s = new Socket("127.0.0.1", server.port());
            s.setSoTimeout(5_000);
            out = s.getOutputStream();
            in = s.getInputStream();
        }

        String ask(String request, String until) throws IOException {
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readUntil(until);
        }

        String readUntil(String until) throws IOException {
            StringBuilder sb = new StringBuilder();
            while (!sb.toString().endsWith(until)) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                sb.append((char) b);
            }
            return sb.toString();
        }

        boolean closedByServer() throws IOException {
            return in.read() < 0;
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    @Test
    void storeGetDeleteTouchVersionStatsQuit() throws IOException {
        try (Conn c = new Conn()) {
            assertThat(c.ask("set k1 42 0 5\r\nhello\r\n", "\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.ask("get k1\r\n", "END\r\n")).isEqualTo("VALUE k1 42 5\r\nhello\r\nEND\r\n");
            assertThat(c.ask("gets k1 nope k1\r\n", "END\r\n")).matches(
                    "VALUE k1 42 5 \\d+\r\nhello\r\nVALUE k1 42 5 \\d+\r\nhello\r\nEND\r\n");
            assertThat(c.ask("add k1 0 0 1\r\nx\r\n", "\r\n")).isEqualTo("NOT_STORED\r\n");
            assertThat(c.ask("replace nope 0 0 1\r\nx\r\n", "\r\n")).isEqualTo("NOT_STORED\r\n");
            assertThat(c.ask("replace k1 7 0 2\r\nab\r\n", "\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.ask("add k2 0 0 0\r\n\r\n", "\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.ask("get k2\r\n", "END\r\n")).isEqualTo("VALUE k2 0 0\r\n\r\nEND\r\n");
            assertThat(c.ask("touch k1 100\r\n", "\r\n")).isEqualTo("TOUCHED\r\n");
            assertThat(c.ask("touch nope 100\r\n", "\r\n")).isEqualTo("NOT_FOUND\r\n");
            assertThat(c.ask("delete k1\r\n", "\r\n")).isEqualTo("DELETED\r\n");
            assertThat(c.ask("delete k1 0\r\n", "\r\n")).isEqualTo("NOT_FOUND\r\n");
            // noreply: nothing comes back, the next command answers normally
            assertThat(c.ask("set k3 0 0 1 noreply\r\nz\r\ndelete k2 noreply\r\nget k3 k2\r\n", "END\r\n"))
                    .isEqualTo("VALUE k3 0 1\r\nz\r\nEND\r\n");
            assertThat(c.ask("version\r\n", "\r\n")).startsWith("VERSION ");
            String stats = c.ask("stats\r\n", "END\r\n");
            assertThat(stats).contains("STAT cmd_get ").contains("STAT get_hits ").contains("STAT curr_connections 1");
            assertThat(c.ask("bogus command\r\n", "\r\n")).isEqualTo("ERROR\r\n");
            c.out.write("quit\r\n".getBytes());
            c.out.flush();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedCommandsAreAnsweredAndTheConnectionGoesOn() throws IOException {
        try (Conn c = new Conn()) {
            assertThat(c.ask("get\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("get " + "k".repeat(251) + "\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("get a\tb\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("get \u0001x\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            c.out.write(new byte[] {'g', 'e', 't', ' ', (byte) 0xff, (byte) 0xfe, '\r', '\n'}); // invalid UTF-8 key
            assertThat(c.ask("", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("set k 0 0\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("set k abc 0 1\r\nx\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("set k 0 0 -1\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("set k 4294967296 0 1\r\nx\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            // a data block longer than announced
            assertThat(c.ask("set k 0 0 1\r\nxyz\r\n", "\r\n")).isEqualTo("CLIENT_ERROR bad data chunk\r\n");
            assertThat(c.ask("\r\n", "\r\n")).isEqualTo("ERROR\r\n");
            // a key with spaces is a usage error for set; as in memcached its data line is then read as a command
            assertThat(c.ask("set my key 0 0 1\r\nx\r\n", "ERROR\r\n")).startsWith("CLIENT_ERROR").endsWith("\r\nERROR\r\n");
            assertThat(c.ask("touch k\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            assertThat(c.ask("delete\r\n", "\r\n")).startsWith("CLIENT_ERROR");
            // still serving
            assertThat(c.ask("set ok 0 0 2\r\nok\r\nget ok\r\n", "END\r\n")).isEqualTo("STORED\r\nVALUE ok 0 2\r\nok\r\nEND\r\n");
        }
    }

    @Test
    void aValueOverTheLimitIsRefusedAndItsBytesSkipped() throws IOException {
        try (Conn c = new Conn()) {
            String big = "v".repeat(MAX_VALUE + 1);
            assertThat(c.ask("set big 0 0 " + big.length() + "\r\n" + big + "\r\n", "\r\n"))
                    .isEqualTo("SERVER_ERROR object too large for cache\r\n");
            assertThat(c.ask("get big\r\n", "END\r\n")).isEqualTo("END\r\n");
            String max = "v".repeat(MAX_VALUE);
            assertThat(c.ask("set max 0 0 " + max.length() + "\r\n" + max + "\r\n", "\r\n")).isEqualTo("STORED\r\n");
        }
    }

    @Test
    void aLineOverTheLimitClosesTheConnection() throws IOException {
        try (Conn c = new Conn()) {
            assertThat(c.ask("get " + "k ".repeat(MAX_LINE) + "\r\n", "\r\n")).isEqualTo("CLIENT_ERROR line too long\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aStalledClientDoesNotBlockOthers() throws IOException {
        try (Conn stalled = new Conn(); Conn other = new Conn()) {
            // Half a command and half a data block, then silence.
            stalled.out.write("set slow 0 0 100\r\nabc".getBytes());
            stalled.out.flush();
            assertThat(other.ask("set fast 0 0 1\r\nf\r\nget fast\r\n", "END\r\n")).isEqualTo("STORED\r\nVALUE fast 0 1\r\nf\r\nEND\r\n");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws IOException {
        Conn[] held = new Conn[8];
        try {
            for (int i = 0; i < held.length; i++) {
                held[i] = new Conn();
                assertThat(held[i].ask("version\r\n", "\r\n")).startsWith("VERSION");
            }
            try (Conn extra = new Conn()) {
                assertThat(extra.readUntil("\r\n")).isEqualTo("SERVER_ERROR too many connections\r\n");
            }
            held[0].close();
            held[0] = null;
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
                try (Conn again = new Conn()) {
                    return again.ask("version\r\n", "\r\n").startsWith("VERSION");
                }
            });
        } finally {
            for (Conn c : held) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    @Test
    void exptimeFollowsMemcacheRules() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        assertThat(MemcacheProtocol.expiresEpochSecond(0, now)).isZero();
        assertThat(MemcacheProtocol.expiresEpochSecond(60, now)).isEqualTo(1_700_000_060L);
        assertThat(MemcacheProtocol.expiresEpochSecond(2_592_000, now)).isEqualTo(1_700_000_000L + 2_592_000);
        assertThat(MemcacheProtocol.expiresEpochSecond(2_592_001, now)).isEqualTo(2_592_001L);
        assertThat(MemcacheProtocol.expiresEpochSecond(-1, now)).isLessThanOrEqualTo(now.getEpochSecond());
    }
}
