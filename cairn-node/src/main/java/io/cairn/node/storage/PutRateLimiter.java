package io.cairn.node.storage;

import io.cairn.node.http.ClusterAuth;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.RateLimitedException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;

/**
 * SPEC §3.3: public endpoints are rate limited per client IP by a token bucket on chunks stored.
 * Each IP gets a bucket of {@code perSecond} tokens refilled greedily at {@code perSecond} a
 * second; a block stored takes one. Calls carrying the cluster key are peers, not clients, and
 * are not limited. Memory is bounded: past {@link #MAX_CLIENTS} buckets the map is cleared, which
 * at worst forgives everyone's debt once.
 */
public final class PutRateLimiter {
    public static final int MAX_CLIENTS = 10_000;

    private final int perSecond;
    private final ClusterAuth auth;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code perSecond} 0 means unlimited. */
    public PutRateLimiter(int perSecond, ClusterAuth auth) {
        this.perSecond = perSecond;
        this.auth = auth;
    }

    public void acquire(Exchange ex) {
        acquire(ex, 1);
    }

    /** Takes one token per block of a request (a batch takes as many as it holds, all or none). */
    public void acquire(Exchange ex, int blocks) {
        if (perSecond == 0 || auth.provenInternal(ex.header(HttpHeader.AUTHORIZATION))) {
            return;
        }
        String ip = ex.clientIp();
        Bucket bucket = buckets.get(ip);
        if (bucket == null) {
            if (buckets.size() >= MAX_CLIENTS) {
                buckets.clear();
            }
            bucket = buckets.computeIfAbsent(ip, k -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                    .build());
        }
        if (blocks > perSecond) {
            // More than the bucket ever holds: waiting would not help, so not a 429 (the client sends it singly).
            throw new io.cairn.core.CairnException(io.cairn.core.ErrorCode.TOO_LARGE,
                    "a batch of " + blocks + " blocks is more than the " + perSecond + " a second this node takes from one client");
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(blocks);
        if (!probe.isConsumed()) {
            long waitSeconds = Math.max(1, Math.min(3600, (Math.min(probe.getNanosToWaitForRefill(), Long.MAX_VALUE - 1_000_000_000L)
                    + 999_999_999L) / 1_000_000_000L));
            throw new RateLimitedException("more than " + perSecond + " blocks a second from " + ip, waitSeconds);
        }
    }
}
