package io.cairn.client.bench;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * The JDK's {@link HttpClient} (HTTP/1.1) behind the {@link Transport} seam, for measurement only
 * ({@code cairn bench --http jdk}): the same load generator with the other client stack, to check
 * the choice of Jetty's client (docs/DECISIONS.md). Not used by anything in production.
 */
public final class JdkTransport implements Transport {
    private final HttpClient http;
    private final String clusterKey;

    public JdkTransport(String clusterKey) {
        this.clusterKey = clusterKey;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    @Override
    public CompletableFuture<HttpReply> exchange(HttpCall call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(call.timeout());
        call.headers().forEach(b::header);
        if (call.internal() && clusterKey != null) {
            b.header("Authorization", "Bearer " + clusterKey);
        }
        if (call.body() != null) {
            byte[] body = new byte[call.body().remaining()];
            call.body().duplicate().get(body);
            b.method(call.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((r, e) -> {
            if (e != null) {
                throw new CairnException(ErrorCode.UNAVAILABLE, call.method() + " " + call.uri() + ": " + e.getMessage(), e);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
                headers.put(h.getKey().toLowerCase(Locale.ROOT), String.join(", ", h.getValue()));
            }
            return new HttpReply(r.statusCode(), headers, r.body());
        });
    }

    @Override
    public void close() {
        http.close();
    }
}
