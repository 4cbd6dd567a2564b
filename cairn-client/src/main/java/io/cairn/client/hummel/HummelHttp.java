package io.cairn.client.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * HTTP for repositories (issue #6): JSON calls to a master and streamed archive downloads, with
 * {@code Range}. The JSON calls use the same Jetty HTTP/1.1 client as the rest of cairn
 * (DECISIONS 3); downloads are unbounded streams read into one array after another, which
 * {@link BlockingGet} does on plain sockets (DECISIONS 95). Redirects are followed, keeping
 * {@code Range} (a master answers an archive with 307 to its {@code /files/{address}}).
 * Downloads have an idle timeout, not a total one, so a large archive may take as long as it
 * needs while bytes flow. Thread-safe; one per process is enough.
 */
public final class HummelHttp implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A JSON reply larger than this is refused (an index of ~1.5 million files fits). */
    public static final int MAX_JSON_BYTES = 256 * 1024 * 1024;
    public static final int MAX_CONNECTIONS_PER_NODE = 64;
    public static final String TOKEN_HEADER = "X-HUMMEL-TOKEN";

    /** A finished JSON exchange. */
    public record Reply(int status, byte[] body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** An opened archive: its bytes from {@code offset}, {@code length} of them (-1 unknown). */
    public record Opened(InputStream body, long offset, long length) {}

    private final HttpClient client;
    private final BlockingGet downloads = new BlockingGet(CONNECT_TIMEOUT);

    public HummelHttp() {
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("cairn-hummel-http");
        pool.setDaemon(true);
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(pool);
        connector.setConnectTimeout(CONNECT_TIMEOUT);
        connector.setSelectors(1);
        this.client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_NODE);
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setFollowRedirects(true);
        client.setResponseBufferSize(64 * 1024);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client", e);
        }
    }

    /** One JSON call; a network failure is UNAVAILABLE, any HTTP status is returned. */
    public Reply call(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        Request r = client.newRequest(uri).method(method).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        headers.forEach((k, v) -> r.headers(h -> h.put(k, v)));
        if (body != null) {
            r.body(new BytesRequestContent("application/json", body));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        r.send(listener);
        try {
            Response response = listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            try (InputStream in = listener.getInputStream()) {
                byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
                if (bytes.length > MAX_JSON_BYTES) {
                    throw new CairnException(ErrorCode.TOO_LARGE, uri + " answered more than " + MAX_JSON_BYTES + " bytes");
                }
                return new Reply(response.getStatus(), bytes);
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            r.abort(e);
            throw new CairnException(ErrorCode.UNAVAILABLE, method + " " + uri + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.abort(e);
            throw new CairnException(ErrorCode.UNAVAILABLE, method + " " + uri + ": interrupted", e);
        }
    }

    /**
     * Opens {@code uri} from byte {@code offset} up to {@code endInclusive} (-1: to the end). An
     * answer that is not exactly the bytes asked for (a 200 to a range, another start) is an
     * IOException, so that a caller can move on to another source. {@code idleTimeout} bounds the
     * wait for the answer and each silence while reading.
     */
    public Opened open(URI uri, long offset, long endInclusive, Duration idleTimeout) throws IOException {
        return downloads.open(uri, offset, endInclusive, idleTimeout);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        downloads.close();
        try {
            client.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
