package io.cairn.client.apidrive;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The order in which a chunk's URLs are tried (pure; issue #5: "a random URL per chunk, the
 * others on failure, the server's /load considered when it can be had").
 *
 * <p>Each URL's server gets a weight: {@code 1 / (1 + inflight)} from its last {@code GET /load}
 * (a server whose load is unknown counts as idle, so that an old node without /load is still
 * used), divided by {@code 2^failures} for the consecutive failures seen from it in this download
 * (capped), and a server told to back off (429 until some instant) drops to the end. The first
 * URL is drawn at random with probability proportional to the weights, then the next among the
 * rest, and so on: chunks spread over all replicas in proportion to their spare capacity, and a
 * dead server is soon asked only last.
 */
final class UrlOrder {
    /** What the downloader knows of one server. {@code inflight} < 0: unknown. */
    record Health(double inflight, int consecutiveFailures, boolean backingOff) {
        static final Health UNKNOWN = new Health(-1, 0, false);
    }

    static final int MAX_FAILURE_SHIFT = 10;

    private UrlOrder() {}

    static double weight(Health h) {
        double w = 1.0 / (1.0 + Math.max(0, h.inflight()));
        return w / (1L << Math.min(h.consecutiveFailures(), MAX_FAILURE_SHIFT));
    }

    /** The URLs in the order to try them. {@code server} maps a URL to its key in {@code health}. */
    static List<URI> order(List<URI> urls, Map<String, Health> health, RandomGenerator random) {
        List<URI> ready = new ArrayList<>();
        List<URI> later = new ArrayList<>();
        for (URI u : urls) {
            Health h = health.getOrDefault(server(u), Health.UNKNOWN);
            (h.backingOff() ? later : ready).add(u);
        }
        List<URI> out = new ArrayList<>(urls.size());
        drawAll(ready, health, random, out);
        drawAll(later, health, random, out);
        return out;
    }

    private static void drawAll(List<URI> pool, Map<String, Health> health, RandomGenerator random, List<URI> out) {
        List<URI> left = new ArrayList<>(pool);
        while (!left.isEmpty()) {
            double total = 0;
            double[] w = new double[left.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = weight(health.getOrDefault(server(left.get(i)), Health.UNKNOWN));
                total += w[i];
            }
            double x = random.nextDouble() * total;
            int pick = w.length - 1;
            for (int i = 0; i < w.length; i++) {
                x -= w[i];
                if (x < 0) {
                    pick = i;
                    break;
                }
            }
            out.add(left.remove(pick));
        }
    }

    /** A URL's server: scheme, host and port. */
    static String server(URI url) {
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return url.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + url.getHost() + ":" + port;
    }
}
