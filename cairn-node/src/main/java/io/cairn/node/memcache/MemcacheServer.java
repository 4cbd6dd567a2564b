package io.cairn.node.memcache;

import io.cairn.core.Clock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memcache text-protocol listener (SPEC §3.4, Cubby) in front of a {@link MemcacheBackend}.
 * Started by the node when {@code --memcache-port} is given; closed with it.
 *
 * <p><b>Threads.</b> One platform thread accepts; every connection gets its own virtual thread,
 * so a slow or stalled client only ever blocks itself. <b>Limits</b>, all explicit: at most
 * {@code maxConnections} connections (more are told {@code SERVER_ERROR too many connections} and
 * closed); a command line longer than {@code maxLineBytes} closes the connection; values larger
 * than {@code maxValueBytes} are read and dropped ({@code SERVER_ERROR object too large for
 * cache}); a connection silent for {@code idleTimeout} is closed.
 */
public final class MemcacheServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemcacheServer.class);

    /** Every limit of the listener. */
    public record Limits(int maxValueBytes, int maxLineBytes, int maxConnections, Duration idleTimeout) {}

    /** Counters for {@code stats}. */
    static final class Counters {
        final long startedEpochSecond;
        final LongAdder totalConnections = new LongAdder();
        final LongAdder cmdGet = new LongAdder();
        final LongAdder getHits = new LongAdder();
        final LongAdder getMisses = new LongAdder();
        final LongAdder cmdSet = new LongAdder();
        final LongAdder cmdTouch = new LongAdder();
        final LongAdder deleteHits = new LongAdder();
        final LongAdder deleteMisses = new LongAdder();

        Counters(long startedEpochSecond) {
            this.startedEpochSecond = startedEpochSecond;
        }
    }

    private final ServerSocket socket;
    private final MemcacheBackend backend;
    private final Limits limits;
    private final Clock clock;
    private final Semaphore slots;
    private final Counters counters;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private MemcacheServer(ServerSocket socket, MemcacheBackend backend, Limits limits, Clock clock) {
        this.socket = socket;
        this.backend = backend;
        this.limits = limits;
        this.clock = clock;
        this.slots = new Semaphore(limits.maxConnections());
        this.counters = new Counters(clock.now().getEpochSecond());
        this.acceptor = Thread.ofPlatform().daemon().name("cairn-memcache-accept").unstarted(this::acceptLoop);
    }

    /** Binds {@code host:port} (0 = any free port) and starts accepting. */
    public static MemcacheServer start(String host, int port, MemcacheBackend backend, Limits limits, Clock clock)
            throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1024);
        MemcacheServer server = new MemcacheServer(s, backend, limits, clock);
        server.acceptor.start();
        log.info("memcache listening on {}:{} (values up to {} bytes, lines up to {} bytes, {} connections)",
                host, s.getLocalPort(), limits.maxValueBytes(), limits.maxLineBytes(), limits.maxConnections());
        return server;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("memcache accept failed: {}", e.toString());
                }
                continue;
            }
            counters.totalConnections.increment();
            if (!slots.tryAcquire()) {
                Thread.ofVirtual().start(() -> refuse(s));
                continue;
            }
            open.add(s);
            Thread.ofVirtual().name("cairn-memcache-conn").start(() -> {
                try {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis()));
                    new MemcacheConnection(s, backend, limits, clock, counters, open::size).run();
                } catch (IOException e) {
                    log.debug("memcache connection ended: {}", e.toString());
                } catch (RuntimeException e) {
                    log.warn("memcache connection failed", e);
                } finally {
                    open.remove(s);
                    slots.release();
                    closeQuietly(s);
                }
            });
        }
    }

    private static void refuse(Socket s) {
        try (s) {
            s.getOutputStream().write("SERVER_ERROR too many connections\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // going away anyway
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(MemcacheServer::closeQuietly);
    }
}
