package io.cairn.node.http;

import io.cairn.core.CairnException;
import io.cairn.core.DirectBuffers;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One request and its answer, as a {@link Route} sees them: path parameters, bounded body reads,
 * and replies that count the bytes they send. Not thread-safe; one per request.
 */
public final class Exchange {
    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";
    private static final HttpField JSON_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, JSON);
    /** Of a body with a declared length, {@link #readBody} allocates this much before any byte arrives. */
    static final int UPFRONT_BODY_BYTES = 1024 * 1024;

    private final Request request;
    private final Response response;
    private final Callback completion;
    private final Map<String, String> params;
    private final boolean head;
    private Fields query;
    private boolean answered;
    private Map<String, String> stickyHeaders = Map.of();
    private Runnable whenDone;
    private Object attachment;
    long bytesIn;
    long bytesOut;

    Exchange(Request request, Response response, Callback completion, Map<String, String> params) {
        this.request = request;
        this.response = response;
        this.completion = completion;
        this.params = params;
        this.head = "HEAD".equals(request.getMethod());
    }

    /**
     * Something a route worked out in {@link Route#nonBlocking} and wants again in
     * {@link Route#handle} (e.g. the parsed address), so the request does not pay for it twice.
     */
    public void attach(Object value) {
        this.attachment = value;
    }

    /** What {@link #attach} left, or null. */
    public Object attachment() {
        return attachment;
    }

    /** When the request arrived ({@link System#nanoTime} scale), as Jetty took it: no clock read. */
    public long startNanos() {
        return request.getBeginNanoTime();
    }

    public String method() {
        return request.getMethod();
    }

    public boolean isHead() {
        return head;
    }

    /** A {@code {name}} segment of the route's pattern, already percent-decoded. */
    public String param(String name) {
        return params.get(name);
    }

    /** The request path as sent, still percent-encoded (for routes that decode names themselves). */
    public String rawPath() {
        return request.getHttpURI().getPath();
    }

    /** The raw query string, or null. */
    public String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    /** The request body as a stream, for bodies too large to buffer; the caller bounds it. */
    public InputStream bodyStream() {
        InputStream in = Content.Source.asInputStream(request);
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesIn++;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    bytesIn += n;
                }
                return n;
            }
        };
    }

    /** The declared Content-Length, or -1. */
    public long contentLength() {
        return request.getLength();
    }

    public String header(String name) {
        return request.getHeaders().get(name);
    }

    public String header(HttpHeader name) {
        return request.getHeaders().get(name);
    }

    /**
     * Refuses (400) a request whose {@code Content-Type} is not {@code expected}: the media type
     * compared without case, parameters such as {@code charset} ignored.
     */
    public void requireMediaType(String expected, String what) {
        String type = header("Content-Type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].strip();
        if (!mediaType.equalsIgnoreCase(expected)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, what + " is sent as " + expected);
        }
    }

    /** A query parameter, or null. */
    public String query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        }
        return query.getValue(name);
    }

    public String clientIp() {
        return Request.getRemoteAddr(request);
    }

    public Request request() {
        return request;
    }

    public Response response() {
        return response;
    }

    /**
     * The whole body, at most {@code maxBytes}: a larger Content-Length is refused before reading
     * anything, and a body without one is counted as it arrives (TOO_LARGE either way).
     */
    public byte[] readBody(int maxBytes) throws IOException {
        long declared = request.getLength();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        InputStream in = Content.Source.asInputStream(request);
        // At most what is expected; and of a declared length only the first MiB up front, the rest
        // as it arrives: a sender that declares 8 MiB and then trickles holds no 8 MiB of heap.
        int expected = declared >= 0 ? (int) declared : maxBytes;
        byte[] buf = new byte[Math.min(expected, declared >= 0 ? UPFRONT_BODY_BYTES : 64 * 1024)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n >= expected) {
                    // Either all that was declared arrived, or the limit is reached: one more byte means too much.
                    int extra = in.read();
                    if (extra < 0) {
                        break;
                    }
                    throw tooLarge(maxBytes);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(expected, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        bytesIn += n;
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * The whole body, at most {@code maxBytes}, in pooled direct memory ({@link DirectBuffers}) when
     * its length is declared and the pool lends that much; otherwise in the heap, as
     * {@link #readBody} reads it. The caller closes it once nothing refers to its bytes any more.
     */
    public DirectBuffers.Lent readPooledBody(int maxBytes) throws IOException {
        long declared = request.getLength();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        DirectBuffers.Lent body = declared > 0 ? DirectBuffers.SHARED.acquire((int) declared) : null;
        if (body == null) {
            return DirectBuffers.Lent.heap(readBody(maxBytes));
        }
        boolean filled = false;
        try {
            fill(body.bytes(), maxBytes);
            filled = true;
            return body;
        } finally {
            if (!filled) {
                body.close();
            }
        }
    }

    /** Copies the body's chunks, as the connection delivers them, into {@code into}'s remaining space. */
    private void fill(ByteBuffer into, int maxBytes) throws IOException {
        ByteBuffer to = into.duplicate();
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                try (Blocker.Runnable ready = Blocker.runnable()) {
                    request.demand(ready);
                    ready.block();
                }
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable failure = chunk.getFailure();
                    throw failure instanceof IOException io ? io : new IOException(failure);
                }
                ByteBuffer piece = chunk.getByteBuffer();
                if (piece.remaining() > to.remaining()) {
                    throw tooLarge(maxBytes); // more than declared: the framing would not allow it
                }
                to.put(piece);
                if (chunk.isLast()) {
                    break;
                }
            } finally {
                chunk.release();
            }
        }
        if (to.hasRemaining()) {
            throw new IOException("the body ended after " + to.position() + " of its " + to.limit() + " declared bytes");
        }
        bytesIn += to.position();
    }

    /** The body as JSON, at most {@code maxBytes}; malformed JSON is a BAD_REQUEST. */
    public JsonNode readJson(int maxBytes) throws IOException {
        byte[] body = readBody(maxBytes);
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "empty body; JSON expected");
            }
            return node;
        } catch (JacksonException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static CairnException tooLarge(int maxBytes) {
        return new CairnException(ErrorCode.TOO_LARGE, "body larger than " + maxBytes + " bytes");
    }

    /** Answers with the given bytes (none for HEAD) and completes the exchange asynchronously. */
    public void respond(int status, String contentType, ByteBuffer body) {
        markAnswered();
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        int length = body == null ? 0 : body.remaining();
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (head || body == null) {
            response.write(true, null, completion);
        } else {
            bytesOut += length;
            response.write(true, body, completion);
        }
    }

    public void respondJson(int status, Object value) {
        byte[] bytes = value instanceof byte[] b ? b : Json.MAPPER.writeValueAsBytes(value);
        markAnswered();
        response.setStatus(status);
        response.getHeaders().put(JSON_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        if (head) {
            response.write(true, null, completion);
        } else {
            bytesOut += bytes.length;
            response.write(true, ByteBuffer.wrap(bytes), completion);
        }
    }

    public void respondText(int status, String text) {
        respond(status, TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    public void respondEmpty(int status) {
        respond(status, null, null);
    }

    /**
     * For streaming answers: sets the status and headers once, then {@link #write} pieces and
     * {@link #finish}. Content-Length must be set by the caller.
     */
    public void begin(int status) {
        markAnswered();
        response.setStatus(status);
    }

    /** Writes one piece and blocks until it is sent (or fails: the client went away). */
    public void write(ByteBuffer piece, boolean last) throws IOException {
        int length = piece.remaining();
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(last, head ? null : piece, cb);
            cb.block();
        }
        if (!head) {
            bytesOut += length;
        }
        if (last) {
            completion.succeeded();
        }
    }

    /** Ends a streamed answer that wrote its last piece with {@code last=false}. */
    public void finish() {
        response.write(true, null, completion);
    }

    /** Headers every answer carries, set before the route runs and again on any error. */
    void stickyHeaders(Map<String, String> headers) {
        stickyHeaders = headers;
        headers.forEach((k, v) -> response.getHeaders().put(k, v));
    }

    /**
     * Runs {@code action} once the exchange completed or failed, after Jetty stopped touching the
     * answer's bytes: for bytes lent by the store (a mapped segment) that must be given back.
     * One action per exchange.
     */
    public void whenDone(Runnable action) {
        if (whenDone != null) {
            throw new IllegalStateException("one whenDone action per exchange");
        }
        whenDone = action;
    }

    /** Called by the handler's completion, success or failure. */
    void done() {
        Runnable action = whenDone;
        whenDone = null;
        if (action != null) {
            action.run();
        }
    }

    boolean answered() {
        return answered;
    }

    boolean committed() {
        return response.isCommitted();
    }

    private void markAnswered() {
        if (answered) {
            throw new IllegalStateException("answered twice");
        }
        answered = true;
    }

    /** Writes a JSON error; the exchange must not have committed anything yet. */
    void respondError(int status, String wireCode, String message, Map<String, String> headers) {
        answered = false;
        response.reset();
        stickyHeaders.forEach((k, v) -> response.getHeaders().put(k, v));
        headers.forEach((k, v) -> response.getHeaders().put(k, v));
        var body = Json.MAPPER.createObjectNode();
        body.put("error", wireCode);
        body.put("message", message == null ? "" : message);
        respondJson(status, Json.MAPPER.writeValueAsBytes(body));
    }

    /** Aborts the exchange after its answer started: the client sees a cut connection. */
    void abort(Throwable cause) {
        answered = true;
        completion.failed(cause);
    }
}
