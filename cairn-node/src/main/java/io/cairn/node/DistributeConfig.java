package io.cairn.node;

import java.net.URI;
import java.time.Duration;

/**
 * The self-healing settings of a node (issue #3): how a storage node finds and reports to the
 * distribute service, how the distribute service judges health and repairs, and how fast the
 * node's own scrubber re-hashes its blocks. One field each, one default, unit in the name.
 *
 * @param distributeUrl            where to register and report; null means "find it through
 *                                 gossip" (the alive node with role {@code distribute})
 * @param registerUrl              the URL this node gives the distribute service when it
 *                                 registers; null means its advertised URL (a node reached
 *                                 through a proxy or NAT names the address the service can use)
 * @param healthInterval           how often the distribute service checks every registered node;
 *                                 also how often a storage node with nothing to report pings
 *                                 the service so that it notices a restart (default 1 s)
 * @param healthFailures           consecutive failed checks after which a node is dead and its
 *                                 blocks are re-replicated; one failure makes it suspect (default 3)
 * @param repairRateBytesPerSecond bytes per second of repair copies the service orders, over the
 *                                 whole cluster; 0 means unlimited (default 64 MiB/s)
 * @param trimGrace                how long a block must have been over-replicated (with all N
 *                                 target copies in place) before the extra copies are deleted
 *                                 (default 10 minutes)
 * @param scrubBytesPerSecond      bytes per second the node's scrubber re-hashes (SPEC §5);
 *                                 0 disables it (default 8 MiB/s)
 */
public record DistributeConfig(URI distributeUrl, URI registerUrl, Duration healthInterval, int healthFailures,
                               long repairRateBytesPerSecond, Duration trimGrace, long scrubBytesPerSecond) {
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_HEALTH_FAILURES = 3;
    public static final long DEFAULT_REPAIR_RATE_BYTES_PER_SECOND = 64L << 20;
    public static final Duration DEFAULT_TRIM_GRACE = Duration.ofMinutes(10);
    public static final long DEFAULT_SCRUB_BYTES_PER_SECOND = 8L << 20;
    public static final DistributeConfig DEFAULTS = new DistributeConfig(null, null, DEFAULT_HEALTH_INTERVAL,
            DEFAULT_HEALTH_FAILURES, DEFAULT_REPAIR_RATE_BYTES_PER_SECOND, DEFAULT_TRIM_GRACE,
            DEFAULT_SCRUB_BYTES_PER_SECOND);

    public DistributeConfig {
        require(healthInterval != null && healthInterval.compareTo(Duration.ofMillis(20)) >= 0
                        && healthInterval.compareTo(Duration.ofMinutes(10)) <= 0,
                "healthInterval must be 20 ms .. 10 min, got " + healthInterval);
        require(healthFailures >= 1 && healthFailures <= 100, "healthFailures must be 1..100, got " + healthFailures);
        require(repairRateBytesPerSecond >= 0, "repairRateBytesPerSecond must be >= 0, got " + repairRateBytesPerSecond);
        require(trimGrace != null && !trimGrace.isNegative(), "trimGrace must be >= 0, got " + trimGrace);
        require(scrubBytesPerSecond >= 0, "scrubBytesPerSecond must be >= 0, got " + scrubBytesPerSecond);
        require(distributeUrl == null || "http".equals(distributeUrl.getScheme()),
                "distributeUrl must be an http:// URL, got " + distributeUrl);
        require(registerUrl == null || "http".equals(registerUrl.getScheme()),
                "registerUrl must be an http:// URL, got " + registerUrl);
    }

    public DistributeConfig withDistributeUrl(URI url) {
        return new DistributeConfig(url, registerUrl, healthInterval, healthFailures, repairRateBytesPerSecond,
                trimGrace, scrubBytesPerSecond);
    }

    public DistributeConfig withRegisterUrl(URI url) {
        return new DistributeConfig(distributeUrl, url, healthInterval, healthFailures, repairRateBytesPerSecond,
                trimGrace, scrubBytesPerSecond);
    }

    public DistributeConfig withHealth(Duration interval, int failures) {
        return new DistributeConfig(distributeUrl, registerUrl, interval, failures, repairRateBytesPerSecond,
                trimGrace, scrubBytesPerSecond);
    }

    public DistributeConfig withRepairRateBytesPerSecond(long rate) {
        return new DistributeConfig(distributeUrl, registerUrl, healthInterval, healthFailures, rate, trimGrace,
                scrubBytesPerSecond);
    }

    public DistributeConfig withTrimGrace(Duration grace) {
        return new DistributeConfig(distributeUrl, registerUrl, healthInterval, healthFailures,
                repairRateBytesPerSecond, grace, scrubBytesPerSecond);
    }

    public DistributeConfig withScrubBytesPerSecond(long rate) {
        return new DistributeConfig(distributeUrl, registerUrl, healthInterval, healthFailures,
                repairRateBytesPerSecond, trimGrace, rate);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("node config: " + message);
        }
    }
}
