package io.cairn.node.apidrive;

import io.cairn.core.Clock;
import io.cairn.node.http.ClusterAuth;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.RateLimitedException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;

/**
 * SPEC §3.3: the public API Drive endpoints are limited per client IP, per node, by a token bucket
 * (Bucket4j). Each IP gets {@code perPeriod} tokens, refilled evenly over {@code period} (greedy
 * refill: one token every {@code period / perPeriod}); a store or retrieve takes one. The burst is
 * the whole bucket, so a fresh client may do {@code perPeriod} calls at once and then one per
 * refill step. Over the limit is a 429 whose {@code Retry-After} is the whole seconds until the
 * next token, at least 1.
 *
 * <p>Calls that carry the cluster key are cluster-internal and are not counted. Time comes from
 * the node's {@link Clock} ({@code nanoTime}), so tests drive refills with a manual clock. Memory
 * is bounded: past {@link #MAX_CLIENTS} buckets the map is cleared, which at worst forgives every
 * client's debt once.
 */
public final class DriveRateLimiter {
    public static final int MAX_CLIENTS = 10_000;

    private final String what;
    private final int perPeriod;
    private final Duration period;
    private final ClusterAuth auth;
    private final TimeMeter time;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perPeriod 0 means unlimited */
    public DriveRateLimiter(String what, int perPeriod, Duration period, ClusterAuth auth, Clock clock) {
        this.what = what;
        this.perPeriod = perPeriod;
        this.period = period;
        this.auth = auth;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.nanoTime();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** Takes one token for this request's client, or throws a {@link RateLimitedException}. */
    public void acquire(Exchange ex) {
        if (perPeriod == 0 || auth.provenInternal(ex.header(HttpHeader.AUTHORIZATION))) {
            return;
        }
        String ip = ex.clientIp();
        Bucket bucket = buckets.get(ip);
        if (bucket == null) {
            if (buckets.size() >= MAX_CLIENTS) {
                buckets.clear();
            }
            bucket = buckets.computeIfAbsent(ip, k -> Bucket.builder()
                    .withCustomTimePrecision(time)
                    .addLimit(Bandwidth.builder().capacity(perPeriod).refillGreedy(perPeriod, period).build())
                    .build());
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long waitSeconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
            throw new RateLimitedException("more than " + perPeriod + " " + what + " per " + period + " from " + ip,
                    waitSeconds);
        }
    }
}
