package io.cairn.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP request as the {@link Transport} sends it. {@code body} may be null. Headers are sent
 * as given; the transport adds the cluster key itself when {@code internal} is true.
 */
public record HttpCall(String method, URI uri, Map<String, String> headers, ByteBuffer body,
                       Duration timeout, boolean internal) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public HttpCall {
        headers = Map.copyOf(headers);
    }

    public static HttpCall get(URI uri) {
        return new HttpCall("GET", uri, Map.of(), null, DEFAULT_TIMEOUT, false);
    }

    public HttpCall internalCall() {
        return new HttpCall(method, uri, headers, body, timeout, true);
    }

    public HttpCall withTimeout(Duration t) {
        return new HttpCall(method, uri, headers, body, t, internal);
    }
}
