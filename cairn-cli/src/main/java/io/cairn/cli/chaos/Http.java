package io.cairn.cli.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The run's one HTTP client for the workload and the checker: bounded connect and request
 * timeouts, redirects followed (names answer 307/302). An answer is a status and bytes; no
 * answer at all is status -1 (the request's fate is unknown).
 */
final class Http {
    record Reply(int status, byte[] body, String error) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String clusterKey;
    private final Duration timeout;

    Http(String clusterKey, Duration timeout) {
        this.clusterKey = clusterKey;
        this.timeout = timeout;
    }

    Reply send(String method, URI uri, byte[] body, String contentType, boolean internal) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (internal && clusterKey != null) {
            b.header("Authorization", "Bearer " + clusterKey);
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body(), null);
        } catch (IOException e) {
            return new Reply(-1, new byte[0], e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, new byte[0], "interrupted");
        }
    }

    Reply get(URI uri) {
        return send("GET", uri, null, null, false);
    }

    Reply getInternal(URI uri) {
        return send("GET", uri, null, null, true);
    }
}
