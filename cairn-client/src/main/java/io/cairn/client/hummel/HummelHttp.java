package io.cairn.client.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP for repositories (issue #6): JSON calls to a master and streamed archive downloads, with
 * {@code Range}, both on {@link BlockingHttp}'s plain sockets rather than the Jetty client the
 * rest of cairn uses (DECISIONS 95). Redirects are followed, keeping
 * {@code Range} (a master answers an archive with 307 to its {@code /files/{address}}).
 * Downloads have an idle timeout, not a total one, so a large archive may take as long as it
 * needs while bytes flow. Thread-safe; one per process is enough.
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

    /** An opened archive: its bytes from {@code offset}, {@code length} of them (-1 unknown). */
    public record Opened(InputStream body, long offset, long length) {}

    private final BlockingHttp http = new BlockingHttp(CONNECT_TIMEOUT);

    /** One JSON call; a network failure is UNAVAILABLE, any HTTP status is returned. */
    public Reply call(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        try {
            return http.call(method, uri, headers, body, MAX_JSON_BYTES, timeout);
        } catch (BlockingHttp.TooLargeAnswer e) {
            throw new CairnException(ErrorCode.TOO_LARGE, e.getMessage());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.UNAVAILABLE, method + " " + uri + ": " + rootMessage(e), e);
        }
    }

    /**
     * Opens {@code uri} from byte {@code offset} up to {@code endInclusive} (-1: to the end). An
     * answer that is not exactly the bytes asked for (a 200 to a range, another start) is an
     * IOException, so that a caller can move on to another source. {@code idleTimeout} bounds the
     * wait for the answer and each silence while reading.
     */
    public Opened open(URI uri, long offset, long endInclusive, Duration idleTimeout) throws IOException {
        return http.open(uri, offset, endInclusive, idleTimeout);
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
        http.close();
    }
}
