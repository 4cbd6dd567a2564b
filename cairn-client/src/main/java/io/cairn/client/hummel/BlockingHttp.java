package io.cairn.client.hummel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.IntFunction;

/**
 * HTTP/1.1 on plain blocking sockets: everything {@link HummelHttp} sends (streamed archive and
 * content downloads with {@code Range}, and small JSON calls).
 *
 * <p>Why not the Jetty client here (DECISIONS 95): a download is one long read of a body into an
 * array that is hashed and written. On a virtual thread a blocking socket read lands the bytes
 * in the caller's array in one copy from the kernel; through the Jetty client every 64 KiB chunk
 * went from its selector thread into a content queue, woke the reader and was copied again. And
 * a short-lived {@code cairn sync} paid ~0.3 s of CPU to start that client and compile its
 * machinery before the first byte.
 *
 * <p>What it speaks: a request line and {@code Host}, {@code Range}, {@code Accept-Encoding:
 * identity}, the caller's headers and a {@code Content-Length}-framed body; a status line and
 * headers of at most {@link #MAX_HEAD_BYTES}; an answer body framed by {@code Content-Length},
 * {@code Transfer-Encoding: chunked} or the end of the connection. {@link #open} follows 301,
 * 302, 303, 307 and 308 up to {@link #MAX_REDIRECTS} times keeping the range (a master answers
 * an archive with 307 to its {@code /files/{address}}); {@link #call} follows 307 and 308 with
 * the same method and body. A body that ends before its length, a malformed head or chunk, and
 * any silence longer than the idle timeout are {@link IOException}s, so a caller can move on to
 * another source.
 *
 * <p>Connections are kept alive and pooled per host and port (at most {@link #MAX_IDLE_PER_NODE}
 * idle). A connection goes back to the pool only when its body was read to the end and neither
 * side asked to close; a pooled connection the server has meanwhile closed fails before any
 * answer byte, and that request is sent once more on a new connection. Thread-safe.
 */
public final class BlockingHttp implements AutoCloseable {
    public static final int MAX_HEAD_BYTES = 64 * 1024;
    public static final int MAX_REDIRECTS = 5;
    /** Bodies of a declared length up to this are read into an array of exactly that length. */
    static final int EXACT_BODY_BYTES = 1 << 20;
    public static final int MAX_IDLE_PER_NODE = 64;
    /** Bytes read ahead from the socket; a caller's read at least this large goes straight to its array. */
    static final int BUFFER_BYTES = 16 * 1024;

    private final Duration connectTimeout;
    private final Map<String, ConcurrentLinkedDeque<Wire>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public BlockingHttp(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * Opens {@code uri} from byte {@code offset} up to {@code endInclusive} (-1: to the end), with
     * the contract of {@link HummelHttp#open}: anything but exactly the bytes asked for is an
     * IOException.
     */
    public HummelHttp.Opened open(URI uri, long offset, long endInclusive, Duration idleTimeout) throws IOException {
        boolean ranged = offset > 0 || endInclusive >= 0;
        String range = ranged ? "bytes=" + offset + "-" + (endInclusive >= 0 ? endInclusive : "") : null;
        URI at = uri;
        for (int redirects = 0; ; redirects++) {
            Answer a = exchange("GET", at, Map.of(), null, range, idleTimeout);
            int status = a.head.status;
            if (isRedirect(status) && a.head.location != null) {
                a.body.close(); // drained when short, so the connection is kept
                if (redirects == MAX_REDIRECTS) {
                    throw new IOException("GET " + uri + ": more than " + MAX_REDIRECTS + " redirects");
                }
                at = resolve(at, a.head.location);
                continue;
            }
            String contentRange = a.head.contentRange;
            if (status == 200 && !ranged || status == 206 && ranged && contentRange != null
                    && contentRange.startsWith("bytes " + offset + "-")) {
                return new HummelHttp.Opened(a.body, offset, a.head.contentLength);
            }
            a.body.abandon();
            throw new IOException("GET " + uri + (ranged ? " from byte " + offset : "") + ": HTTP " + status);
        }
    }

    /** An answer body over the caller's limit. */
    public static final class TooLargeAnswer extends IOException {
        TooLargeAnswer(String message) {
            super(message);
        }
    }

    /**
     * One request whose answer is read whole, at most {@code maxBody} bytes (more is an
     * IOException); {@code timeout} bounds the whole exchange, not only each silence.
     */
    public HummelHttp.Reply call(String method, URI uri, Map<String, String> headers, byte[] body, int maxBody, Duration timeout)
            throws IOException {
        return call(method, uri, headers, body, maxBody, timeout, byte[]::new);
    }

    /**
     * As {@link #call(String, URI, Map, byte[], int, Duration)}; a body of a declared length up to
     * {@link #EXACT_BODY_BYTES} is read into {@code bodyArrays.apply(length)}, which must be an
     * array of exactly that length (the caller may hand out one it reuses).
     */
    public HummelHttp.Reply call(String method, URI uri, Map<String, String> headers, byte[] body, int maxBody, Duration timeout,
                                 IntFunction<byte[]> bodyArrays) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI at = uri;
        for (int redirects = 0; ; redirects++) {
            Answer a = exchange(method, at, headers, body, null, remaining(deadline, uri));
            if ((a.head.status == 307 || a.head.status == 308) && a.head.location != null && redirects < MAX_REDIRECTS) {
                a.body.close();
                at = resolve(at, a.head.location);
                continue;
            }
            try (Body in = a.body) {
                if (a.head.contentLength >= 0 && a.head.contentLength <= Math.min(maxBody, EXACT_BODY_BYTES)) {
                    return new HummelHttp.Reply(a.head.status, readExactly(in, bodyArrays.apply((int) a.head.contentLength), deadline, uri));
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(
                        (int) Math.min(Math.max(a.head.contentLength, 0), Math.min(maxBody, 1 << 20)));
                byte[] buf = new byte[16 * 1024];
                int n;
                while ((n = in.read(buf, 0, buf.length)) >= 0) {
                    out.write(buf, 0, n);
                    if (out.size() > maxBody) {
                        in.abandon();
                        throw new TooLargeAnswer(uri + " answered more than " + maxBody + " bytes");
                    }
                    in.idleTimeout(remaining(deadline, uri));
                }
                return new HummelHttp.Reply(a.head.status, out.toByteArray());
            }
        }
    }

    /**
     * A body of a known length read straight into an array of that length: one allocation and
     * no copy between buffers (the load generator reads every 64 KiB block this way; through a
     * growing buffer each answer cost 144 KiB of garbage and two more copies, docs/BENCHMARKS.md).
     */
    private static byte[] readExactly(Body in, byte[] out, long deadline, URI uri) throws IOException {
        int length = out.length;
        for (int at = 0; at < length; ) {
            int n = in.read(out, at, length - at); // an early end is an EOFException
            if (n < 0) {
                throw new EOFException(uri + ": the answer ended " + (length - at) + " bytes early");
            }
            at += n;
            if (at < length) {
                in.idleTimeout(remaining(deadline, uri));
            }
        }
        return out;
    }

    private static Duration remaining(long deadline, URI uri) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException(uri + ": no whole answer within the timeout");
        }
        return Duration.ofNanos(left);
    }

    private record Answer(Head head, Body body) {}

    /** One request on a pooled or new connection; a pooled one that turns out dead is replaced once. */
    private Answer exchange(String method, URI uri, Map<String, String> headers, byte[] body, String range,
                            Duration idleTimeout) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        String host = uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : 80;
        if (!"http".equalsIgnoreCase(uri.getScheme()) || host == null) {
            throw new IOException("not an http URL: " + uri);
        }
        String key = host + ":" + port;
        byte[] head = request(method, uri, host, port, range, headers, body);
        byte[] request = body == null ? head : java.util.Arrays.copyOf(head, head.length + body.length);
        if (body != null) {
            System.arraycopy(body, 0, request, head.length, body.length); // one write, one segment
        }
        Wire pooled = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (pooled != null) {
            try {
                return send(pooled, key, request, idleTimeout);
            } catch (StaleConnection e) {
                pooled.close(); // the server had closed it while it sat in the pool
            }
        }
        Wire fresh = connect(host, port);
        try {
            return send(fresh, key, request, idleTimeout);
        } catch (StaleConnection e) {
            throw new IOException(method + " " + uri + ": connection closed before an answer", e.getCause());
        }
    }

    private Answer send(Wire w, String key, byte[] request, Duration idleTimeout) throws IOException {
        boolean sent = false;
        try {
            w.socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, idleTimeout.toMillis())));
            w.out.write(request);
            w.out.flush();
            sent = true;
            Head head = Head.read(w);
            return new Answer(head, new Body(this, key, w, head));
        } catch (SocketTimeoutException e) {
            w.close();
            throw new IOException("no answer within " + idleTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            w.close();
            if (!w.anyByteRead && (e instanceof EOFException || !sent || isReset(e))) {
                throw new StaleConnection(e);
            }
            throw e;
        }
    }

    private static boolean isReset(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("reset") || m.contains("Broken pipe"));
    }

    /** Marks a failure that happened before the server sent a single byte. */
    private static final class StaleConnection extends IOException {
        StaleConnection(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private Wire connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            return new Wire(s);
        } catch (IOException e) {
            s.close();
            throw new IOException("connect " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    void release(String key, Wire w) {
        ConcurrentLinkedDeque<Wire> q = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        if (closed || q.size() >= MAX_IDLE_PER_NODE || w.pos < w.lim) { // bytes beyond the body: not trusted
            w.close();
            return;
        }
        w.anyByteRead = false;
        q.addFirst(w);
        if (closed) { // closed meanwhile: do not leave it behind
            drain(q);
        }
    }

    /** The request's head; {@code body} only sets its length. Header names and values must be ASCII without CR or LF. */
    static byte[] request(String method, URI uri, String host, int port, String range, Map<String, String> headers,
                          byte[] body) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder sb = new StringBuilder(160).append(method).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                .append("\r\nUser-Agent: cairn\r\nAccept-Encoding: identity\r\n");
        if (range != null) {
            sb.append("Range: ").append(range).append("\r\n");
        }
        headers.forEach((k, v) -> {
            if (!headerSafe(k) || !headerSafe(v)) {
                throw new IllegalArgumentException("header not sendable: " + k);
            }
            sb.append(k).append(": ").append(v).append("\r\n");
        });
        if (body != null) {
            sb.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        // A URI holds no spaces, CR or LF; any other non-ASCII character becomes '?'.
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean headerSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static URI resolve(URI base, String location) throws IOException {
        try {
            return base.resolve(new URI(location.trim()));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IOException("bad Location " + location, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        idle.values().forEach(BlockingHttp::drain);
    }

    private static void drain(ConcurrentLinkedDeque<Wire> q) {
        Wire w;
        while ((w = q.pollFirst()) != null) {
            w.close();
        }
    }

    /** One connection and the bytes read ahead of its current position. */
    static final class Wire {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] buf = new byte[BUFFER_BYTES];
        int pos;
        int lim;
        boolean anyByteRead;

        Wire(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Refills the read-ahead; false at the end of the stream. */
        boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            anyByteRead = true;
            pos = 0;
            lim = n;
            return true;
        }

        /** Up to {@code len} bytes into {@code b}: from the read-ahead, else straight from the socket. */
        int read(byte[] b, int off, int len) throws IOException {
            if (pos < lim) {
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
            if (len >= buf.length) {
                int n = in.read(b, off, len);
                if (n > 0) {
                    anyByteRead = true;
                }
                return n;
            }
            return fill() ? read(b, off, len) : -1;
        }

        int readByte() throws IOException {
            if (pos == lim && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A parsed status line and the headers this client uses. */
    record Head(int status, long contentLength, boolean chunked, boolean close, String contentRange, String location) {
        static Head read(Wire w) throws IOException {
            int[] budget = {MAX_HEAD_BYTES};
            String statusLine = line(w, budget);
            if (statusLine == null) {
                throw new EOFException("connection closed before an answer");
            }
            // HTTP/1.x SP 3DIGIT [SP reason]
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x status line: " + printable(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("bad status: " + printable(statusLine));
            }
            boolean http10 = statusLine.startsWith("HTTP/1.0");
            long length = -1;
            boolean chunked = false;
            boolean close = http10;
            String contentRange = null;
            String location = null;
            String h;
            while (!(h = line(w, budget)).isEmpty()) {
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header: " + printable(h));
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> {
                        long v = parseLength(value);
                        if (length >= 0 && v != length) {
                            throw new IOException("conflicting Content-Length headers");
                        }
                        length = v;
                    }
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                    case "connection" -> {
                        String v = value.toLowerCase(Locale.ROOT);
                        close = v.contains("close") || http10 && !v.contains("keep-alive");
                    }
                    case "content-range" -> contentRange = value;
                    case "location" -> location = value;
                    default -> { }
                }
            }
            if (chunked) {
                length = -1; // RFC 9112 §6.3: chunked wins over a Content-Length
            }
            boolean bodiless = status == 204 || status == 304 || status / 100 == 1;
            return new Head(status, bodiless ? 0 : length, chunked && !bodiless, close, contentRange, location);
        }

        /** A CRLF- (or LF-) ended line in ISO-8859-1; null at a clean end before any byte. */
        static String line(Wire w, int[] budget) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                int c = w.readByte();
                if (c < 0) {
                    if (sb.isEmpty()) {
                        return null;
                    }
                    throw new EOFException("connection closed inside the answer's head");
                }
                if (--budget[0] < 0) {
                    throw new IOException("answer head over " + MAX_HEAD_BYTES + " bytes");
                }
                if (c == '\n') {
                    int n = sb.length();
                    return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
                }
                sb.append((char) c);
            }
        }

        static long parseLength(String v) throws IOException {
            if (v.isEmpty() || v.length() > 18) {
                throw new IOException("bad Content-Length: " + printable(v));
            }
            long n = 0;
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IOException("bad Content-Length: " + printable(v));
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }

        static String printable(String s) {
            String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
            StringBuilder sb = new StringBuilder(t.length());
            t.chars().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
            return sb.toString();
        }
    }

    /**
     * An answer's body. Ends cleanly only at its framing's end (the length reached, the last
     * chunk, or the connection's end when there is no framing); an early end is an IOException.
     * Closing it after a clean end gives the connection back to the pool; a short unread rest
     * (a redirect's body) is drained for that; anything else closes the connection.
     */
    static final class Body extends BulkInputStream {
        static final long DRAIN_LIMIT = 64 * 1024;
        private final BlockingHttp owner;
        private final String key;
        private final Wire w;
        private final Head head;
        private long remaining; // LENGTH: bytes left; CHUNKED: bytes left in this chunk
        private boolean ended;
        private boolean released;

        Body(BlockingHttp owner, String key, Wire w, Head head) {
            this.owner = owner;
            this.key = key;
            this.w = w;
            this.head = head;
            this.remaining = head.chunked ? 0 : head.contentLength;
            this.ended = !head.chunked && head.contentLength == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (ended) {
                return -1;
            }
            if (head.chunked) {
                if (remaining == 0 && !nextChunk()) {
                    ended = true;
                    return -1;
                }
                int n = w.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("connection closed inside a chunk");
                }
                remaining -= n;
                if (remaining == 0) {
                    String crlf = Head.line(w, new int[] {2});
                    if (crlf == null || !crlf.isEmpty()) {
                        throw new IOException("chunk not followed by CRLF");
                    }
                }
                return n;
            }
            if (head.contentLength < 0) { // framed by the connection's end
                int n = w.read(b, off, len);
                if (n < 0) {
                    ended = true;
                }
                return n;
            }
            int n = w.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed " + remaining + " bytes before the end of the body");
            }
            remaining -= n;
            ended = remaining == 0;
            return n;
        }

        /** Reads the next chunk's size line; false at the last chunk (its trailers are skipped). */
        private boolean nextChunk() throws IOException {
            int[] budget = {MAX_HEAD_BYTES};
            String line = Head.line(w, budget);
            if (line == null) {
                throw new EOFException("connection closed before a chunk");
            }
            int semi = line.indexOf(';');
            String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new IOException("bad chunk size: " + Head.printable(line));
            }
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + Head.printable(line));
            }
            if (size < 0) {
                throw new IOException("bad chunk size: " + Head.printable(line));
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = Head.line(w, budget);
                    if (trailer == null) {
                        throw new EOFException("connection closed inside the trailers");
                    }
                } while (!trailer.isEmpty());
                return false;
            }
            remaining = size;
            return true;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            if (!ended && !head.close && (head.chunked || remaining >= 0 && remaining <= DRAIN_LIMIT)) {
                try {
                    byte[] skip = new byte[4096];
                    long budget = DRAIN_LIMIT + 4096;
                    int n;
                    while (!ended && budget > 0 && (n = read(skip, 0, skip.length)) >= 0) {
                        budget -= n;
                    }
                } catch (IOException e) {
                    ended = false;
                }
            }
            if (ended && !head.close && (head.chunked || head.contentLength >= 0)) {
                owner.release(key, w);
            } else {
                w.close();
            }
        }

        /** Bounds each further silence while reading this body. */
        void idleTimeout(Duration d) throws IOException {
            w.socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis())));
        }

        /** Closes the connection whatever was read. */
        void abandon() {
            released = true;
            w.close();
        }
    }
}
