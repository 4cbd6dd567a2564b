package io.cairn.testkit;

import io.cairn.core.names.Name;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking HTTP calls on names for the cluster suites (JDK client; redirects followed only when asked). */
final class NamesHttp {
    private static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final HttpClient FOLLOWING = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

    private NamesHttp() {}

    static URI nameUri(URI node, String name) {
        return URI.create(node + "/names/" + Name.of(name).toUrlPath());
    }

    static HttpResponse<byte[]> put(URI node, String name, byte[] body) {
        return send(PLAIN, HttpRequest.newBuilder(nameUri(node, name)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** GET following 307 and 302 to the bytes. */
    static HttpResponse<byte[]> getFollowing(URI node, String name) {
        return send(FOLLOWING, HttpRequest.newBuilder(nameUri(node, name)).GET());
    }

    static HttpResponse<byte[]> get(URI uri) {
        return send(PLAIN, HttpRequest.newBuilder(uri).GET());
    }

    /** An internal call with the cluster key. */
    static HttpResponse<byte[]> internal(URI uri, String method, byte[] body, String key) {
        return send(PLAIN, HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder b) {
        try {
            return client.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
