package io.cairn.node.memcache;

import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.names.Name;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * One memcache client connection: reads command lines, answers them, until {@code quit}, EOF,
 * an over-long line, or the idle timeout. Every malformed input is answered ({@code ERROR} or
 * {@code CLIENT_ERROR ...}) and the loop goes on; nothing a client sends can end the handler but
 * an over-long line. Replies are flushed when the client has sent nothing more (pipelined
 * requests share one write).
 */
final class MemcacheConnection {
    private static final byte[] CRLF = {'\r', '\n'};

    private final InputStream in;
    private final OutputStream out;
    private final MemcacheBackend backend;
    private final MemcacheServer.Limits limits;
    private final Clock clock;
    private final MemcacheServer.Counters counters;
    private final IntSupplier connections;
    private final byte[] line;

    MemcacheConnection(Socket socket, MemcacheBackend backend, MemcacheServer.Limits limits, Clock clock,
                       MemcacheServer.Counters counters, IntSupplier connections) throws IOException {
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.backend = backend;
        this.limits = limits;
        this.clock = clock;
        this.counters = counters;
        this.connections = connections;
        this.line = new byte[limits.maxLineBytes()];
    }

    void run() throws IOException {
        try {
            while (true) {
                int n = readLine();
                if (n == -1) {
                    return;
                }
                if (n == -2) {
                    text("CLIENT_ERROR line too long");
                    out.flush();
                    return;
                }
                if (!serve(n)) {
                    out.flush();
                    return;
                }
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (SocketTimeoutException idle) {
            // closed by the caller
        }
    }

    /** Serves one line; false when the connection should close. */
    private boolean serve(int n) throws IOException {
        MemcacheProtocol.Command cmd;
        try {
            cmd = MemcacheProtocol.parse(line, n);
        } catch (MemcacheProtocol.ClientError e) {
            if (e.skipBytes >= 0) {
                skip(e.skipBytes + 2);
            }
            text(e.getMessage());
            return true;
        }
        try {
            switch (cmd) {
                case MemcacheProtocol.Get g -> get(g);
                case MemcacheProtocol.Store s -> {
                    return store(s);
                }
                case MemcacheProtocol.Delete d -> {
                    boolean hit = backend.delete(d.key());
                    (hit ? counters.deleteHits : counters.deleteMisses).increment();
                    reply(d.noreply(), hit ? "DELETED" : "NOT_FOUND");
                }
                case MemcacheProtocol.Touch t -> {
                    counters.cmdTouch.increment();
                    boolean hit = backend.touch(t.key(), MemcacheProtocol.expiresEpochSecond(t.exptime(), clock.now()));
                    reply(t.noreply(), hit ? "TOUCHED" : "NOT_FOUND");
                }
                case MemcacheProtocol.Version v -> text("VERSION cairn-0.1.0");
                case MemcacheProtocol.Stats s -> stats();
                case MemcacheProtocol.Quit q -> {
                    return false;
                }
                case MemcacheProtocol.Unknown u -> text("ERROR");
            }
        } catch (CairnException e) {
            text("SERVER_ERROR " + oneLine(e.getMessage()));
        }
        return true;
    }

    private void get(MemcacheProtocol.Get g) throws IOException {
        for (Name key : g.keys()) {
            counters.cmdGet.increment();
            MemcacheBackend.Item item = backend.get(key);
            if (item == null) {
                counters.getMisses.increment();
                continue;
            }
            counters.getHits.increment();
            StringBuilder head = new StringBuilder(64 + key.byteLength()).append("VALUE ");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(key.utf8());
            head.setLength(0);
            head.append(' ').append(Integer.toUnsignedString(item.flags())).append(' ').append(item.value().length);
            if (g.withCas()) {
                head.append(' ').append(Long.toUnsignedString(item.cas()));
            }
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
            out.write(item.value());
            out.write(CRLF);
        }
        text("END");
    }

    private boolean store(MemcacheProtocol.Store s) throws IOException {
        counters.cmdSet.increment();
        if (s.bytes() > limits.maxValueBytes()) {
            if (!skip((long) s.bytes() + 2)) {
                return false;
            }
            reply(false, "SERVER_ERROR object too large for cache");
            return true;
        }
        byte[] value = in.readNBytes(s.bytes());
        int cr = in.read();
        int lf = cr == '\r' ? in.read() : cr;
        if (value.length < s.bytes() || cr < 0 || lf < 0) {
            return false; // EOF inside the data block
        }
        if (cr != '\r' || lf != '\n') {
            // The block was longer than announced: drop the rest of its line, like a bad line.
            if (lf != '\n' && readLine() == -1) {
                return false;
            }
            text("CLIENT_ERROR bad data chunk");
            return true;
        }
        boolean stored = backend.store(s.mode(), s.key(), value, s.flags(),
                MemcacheProtocol.expiresEpochSecond(s.exptime(), clock.now()));
        reply(s.noreply(), stored ? "STORED" : "NOT_STORED");
        return true;
    }

    private void stats() throws IOException {
        long now = clock.now().getEpochSecond();
        stat("pid", ProcessHandle.current().pid());
        stat("uptime", now - counters.startedEpochSecond);
        stat("time", now);
        text("STAT version cairn-0.1.0");
        stat("curr_connections", connections.getAsInt());
        stat("total_connections", counters.totalConnections.sum());
        stat("cmd_get", counters.cmdGet.sum());
        stat("cmd_set", counters.cmdSet.sum());
        stat("cmd_touch", counters.cmdTouch.sum());
        stat("get_hits", counters.getHits.sum());
        stat("get_misses", counters.getMisses.sum());
        stat("delete_hits", counters.deleteHits.sum());
        stat("delete_misses", counters.deleteMisses.sum());
        stat("limit_maxbytes_per_item", limits.maxValueBytes());
        text("END");
    }

    private void stat(String name, long value) throws IOException {
        text("STAT " + name + " " + value);
    }

    private void reply(boolean noreply, String s) throws IOException {
        if (!noreply) {
            text(s);
        }
    }

    private void text(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    /** Reads and drops {@code n} bytes; false at EOF. */
    private boolean skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return false;
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return true;
    }

    /**
     * Reads one line into {@link #line} without its line end ({@code \r\n}, or a bare {@code \n});
     * returns its length, -1 at EOF, -2 when it is longer than the limit.
     */
    private int readLine() throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            if (b == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n == line.length) {
                return -2;
            }
            line[n++] = (byte) b;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "error" : s.replaceAll("[\\r\\n]+", " ");
    }
}
