package io.cairn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fault-injecting TCP proxy on 127.0.0.1 for partition tests: it forwards every connection to
 * a target port until told to {@link #partition()}, then cuts the open connections and
 * <b>blackholes</b> new ones (accepts them and never answers, so callers see timeouts, as they
 * would across a real partition) until {@link #heal()}.
 *
 * <p>Give a node's proxied URL to some peers and its direct URL to others, and the node is
 * reachable by some and not others. Threads: one virtual thread accepting, two per connection
 * copying; every socket is closed by {@link #close()}.
 */
public final class LoopbackProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;
    private volatile boolean partitioned;
    private volatile boolean closed;

    private LoopbackProxy(ServerSocket server) {
        this.server = server;
    }

    /** A proxy on a free port; {@code targetPort} 0 means "set later" (connections wait for it). */
    public static LoopbackProxy start(int targetPort) {
        try {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            LoopbackProxy proxy = new LoopbackProxy(s);
            proxy.targetPort = targetPort;
            Thread.ofVirtual().name("proxy-accept-" + s.getLocalPort()).start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public void target(int port) {
        targetPort = port;
    }

    /** Cuts every open connection and blackholes new ones. */
    public void partition() {
        partitioned = true;
        closeAll();
    }

    /** Forwards again; blackholed connections are cut so that their callers retry at once. */
    public void heal() {
        partitioned = false;
        closeAll();
    }

    public boolean partitioned() {
        return partitioned;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(client);
            Thread.ofVirtual().start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        for (int waited = 0; targetPort == 0 && waited < 1000 && !closed; waited++) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // at most 10 s for target(port)
        }
        if (partitioned || targetPort == 0) {
            blackhole(client);
            return;
        }
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
            close(client);
            return;
        }
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        pump(upstream, client);
    }

    /** Reads and discards until the caller gives up or the proxy closes the socket. */
    private void blackhole(Socket client) {
        try (InputStream in = client.getInputStream()) {
            byte[] sink = new byte[8192];
            while (in.read(sink) >= 0) {
                // swallow
            }
        } catch (IOException ignored) {
            // cut by partition() or close()
        } finally {
            close(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (partitioned) {
                    break;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void closeAll() {
        for (Socket s : sockets.toArray(new Socket[0])) {
            close(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAll();
    }
}
