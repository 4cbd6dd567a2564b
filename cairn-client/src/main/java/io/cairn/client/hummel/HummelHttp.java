package io.cairn.client.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * HTTP for repositories (issue #6): JSON calls to a master and streamed archive downloads, with
 * {@code Range}. Archives are unbounded streams, which the buffering {@link io.cairn.client.Transport}
 * (replies of at most 8 MiB) is not made for, so this one class wraps the JDK's HTTP/1.1 client
 * with streamed bodies; redirects are followed (a master answers an archive with 307 to its
 * {@code /files/{address}}). Thread-safe; one per process is enough.
 */
public final class HummelHttp implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A JSON reply larger than this is refused (an index of ~1.5 million files fits). */
    public static final int MAX_JSON_BYTES = 256 * 1024 * 1024;
    public static final String TOKEN_HEADER = "X-HUMMEL-TOKEN";

    /** A finished JSON exchange. */
    public record Reply(int status, byte[] body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** An opened archive: its bytes from {@code offset}, {@code length} of them. */
    public record Opened(InputStream body, long offset, long length) {}

    private final HttpClient client;

    public HummelHttp() {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** One JSON call; a network failure is UNAVAILABLE, any HTTP status is returned. */
    public Reply call(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
                if (bytes.length > MAX_JSON_BYTES) {
                    throw new CairnException(ErrorCode.TOO_LARGE, uri + " answered more than " + MAX_JSON_BYTES + " bytes");
                }
                return new Reply(r.statusCode(), bytes);
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNAVAILABLE, method + " " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, method + " " + uri + ": interrupted", e);
        }
    }

    /**
     * Opens {@code uri} from byte {@code offset} up to {@code endInclusive} (-1: to the end). An
     * answer that is not exactly the bytes asked for (a 200 to a range, another start) is an
     * IOException, so that a caller can move on to another source.
     */
    public Opened open(URI uri, long offset, long endInclusive, Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        boolean ranged = offset > 0 || endInclusive >= 0;
        if (ranged) {
            b.header("Range", "bytes=" + offset + "-" + (endInclusive >= 0 ? endInclusive : ""));
        }
        HttpResponse<InputStream> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int status = r.statusCode();
        long length = r.headers().firstValueAsLong("content-length").orElse(-1);
        if (status == 200 && !ranged || status == 206 && ranged && startsAt(r, offset)) {
            return new Opened(r.body(), offset, length);
        }
        r.body().close();
        throw new IOException("GET " + uri + (ranged ? " from byte " + offset : "") + ": HTTP " + status);
    }

    private static boolean startsAt(HttpResponse<?> r, long offset) {
        String cr = r.headers().firstValue("content-range").orElse("");
        return cr.startsWith("bytes " + offset + "-");
    }

    @Override
    public void close() {
        client.close();
    }
}
