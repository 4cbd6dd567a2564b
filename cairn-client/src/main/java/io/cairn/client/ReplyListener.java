package io.cairn.client;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Collects one reply's body straight into the {@code byte[]} that {@link HttpReply} carries: with a
 * {@code Content-Length} (every cairn answer has one) the array is allocated once at that size
 * and each network chunk is copied into it once. Jetty's {@code BufferingResponseListener} copies
 * twice (into its growing buffer, then out of it into a new array), which for 64 KiB blocks was a
 * measurable share of a verified GET's client CPU (issue #8).
 *
 * <p>Bounded: a declared or received body over {@code maxBytes} aborts the exchange with a
 * {@link BodyTooLarge}, which {@link JettyTransport#translate} maps to TOO_LARGE.
 */
abstract class ReplyListener implements Response.Listener {
    private final int maxBytes;
    private byte[] body = new byte[0];
    private int length;

    ReplyListener(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Raised (as the abort cause) when a body exceeds the limit. */
    static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge(long bytes, int maxBytes) {
            super("response body of " + (bytes < 0 ? "unknown" : Long.toString(bytes)) + " bytes over the limit of " + maxBytes);
        }
    }

    @Override
    public void onHeaders(Response response) {
        long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > maxBytes) {
            response.abort(new BodyTooLarge(declared, maxBytes));
        } else if (declared > 0) {
            body = new byte[(int) declared];
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        int n = content.remaining();
        if ((long) length + n > maxBytes) {
            response.abort(new BodyTooLarge((long) length + n, maxBytes));
            return;
        }
        if (length + n > body.length) {
            // No or a wrong Content-Length: grow by doubling, still bounded by maxBytes.
            body = Arrays.copyOf(body, (int) Math.min(maxBytes, Math.max(length + n, 2L * body.length + 8192)));
        }
        content.get(body, length, n);
        length += n;
    }

    @Override
    public final void onComplete(Result result) {
        if (result.isFailed()) {
            onFailed(result.getFailure());
            return;
        }
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : result.getResponse().getHeaders()) {
            headers.merge(f.getLowerCaseName(), f.getValue(), (a, c) -> a + ", " + c);
        }
        onReply(new HttpReply(result.getResponse().getStatus(), headers,
                length == body.length ? body : Arrays.copyOf(body, length)));
    }

    abstract void onReply(HttpReply reply);

    abstract void onFailed(Throwable failure);
}
