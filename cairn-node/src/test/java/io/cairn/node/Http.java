package io.cairn.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small blocking HTTP client for tests: the JDK client for ordinary calls, a raw socket for malformed ones. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {}

    public static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpRequest.Builder at(URI base, String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    public static HttpResponse<byte[]> get(URI base, String path) {
        return send(at(base, path).GET());
    }

    public static HttpResponse<byte[]> head(URI base, String path) {
        return send(at(base, path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    public static HttpResponse<byte[]> put(URI base, String path, byte[] body) {
        return send(at(base, path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public static HttpResponse<byte[]> post(URI base, String path, String json, String key) {
        HttpRequest.Builder b = at(base, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b);
    }

    public static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** Sends {@code rawRequest} verbatim and returns the status line and headers (and whatever body came with them). */
    public static String raw(URI base, String rawRequest) {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16 * 1024];
            StringBuilder sb = new StringBuilder();
            int n;
            while ((n = in.read(buf)) > 0) {
                sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (sb.indexOf("\r\n\r\n") >= 0 && complete(sb)) {
                    break;
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean complete(StringBuilder sb) {
        int headerEnd = sb.indexOf("\r\n\r\n");
        String headers = sb.substring(0, headerEnd).toLowerCase();
        int i = headers.indexOf("content-length:");
        if (i < 0) {
            return true;
        }
        int end = headers.indexOf("\r\n", i);
        long length = Long.parseLong(headers.substring(i + 15, end < 0 ? headers.length() : end).strip());
        return sb.length() - headerEnd - 4 >= length;
    }

    /** The status code in a raw response. */
    public static int rawStatus(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
