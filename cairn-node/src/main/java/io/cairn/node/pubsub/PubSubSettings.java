package io.cairn.node.pubsub;

import io.cairn.core.pubsub.BloomFilter;
import io.cairn.core.pubsub.PubSubLimits;
import java.time.Duration;

/**
 * The settings of the pub/sub overlay and of storage contracts (SPEC §3.6, issue #7): the one
 * component {@link io.cairn.node.NodeConfig#pubsub()} adds to a node's config. Each field has one
 * name, one default ({@link #DEFAULTS}) and its unit in its type or name; out-of-range values are
 * refused at start with an {@link IllegalArgumentException} naming the field.
 *
 * @param closestNeighbours     XOR-closest overlay neighbours a node chooses (default 3)
 * @param randomNeighbours      random overlay neighbours a node chooses (default 2)
 * @param filterBits            m, bits per attenuated-filter level (default sized for 1024 items at 1 %)
 * @param filterHashes          k, hashes per item (default to match {@code filterBits})
 * @param filterTick            how often a node looks at its filter and neighbours and pushes what
 *                              changed (default 1 s): changes propagate one level per tick
 * @param filterRefresh         an unchanged filter is pushed again this often (default 30 s)
 * @param filterMaxAge          a neighbour's filter not refreshed for this long is ignored (default 90 s)
 * @param ttl                   hops a publication may take (default 32)
 * @param seenCapacity          publication IDs remembered for duplicate detection (default 4096)
 * @param messagesPerTopic      messages kept per topic for {@code GET /pubsub/messages} (default 1000)
 * @param maxContractDays       the longest contract this node accepts to hold (default 365 days)
 * @param speedMbps             this node's transfer speed as configured (default 100); see README
 * @param availabilityPct       a fixed availability to advertise, or -1 (default) to use the measured uptime
 * @param availabilityWindow    the window the uptime is measured over (default 30 days)
 * @param auditInterval         how often a publisher audits each holder (default 1 h)
 * @param auditAttempts         failed audit answers in a row that mark a holder failed (default 3)
 * @param offerWait             a contract short of holders is published again after this long (default 30 s)
 * @param maxPublications       times one contract is published at most, replacements included (default 16)
 * @param maxContracts          contracts a publisher tracks at once (default 10,000)
 */
public record PubSubSettings(int closestNeighbours, int randomNeighbours, int filterBits, int filterHashes,
                             Duration filterTick, Duration filterRefresh, Duration filterMaxAge, int ttl,
                             int seenCapacity, int messagesPerTopic, int maxContractDays, double speedMbps,
                             double availabilityPct, Duration availabilityWindow, Duration auditInterval,
                             int auditAttempts, Duration offerWait, int maxPublications, int maxContracts) {
    public static final PubSubSettings DEFAULTS = new PubSubSettings(
            PubSubLimits.DEFAULT_CLOSEST_NEIGHBOURS, PubSubLimits.DEFAULT_RANDOM_NEIGHBOURS,
            BloomFilter.Shape.DEFAULT.bits(), BloomFilter.Shape.DEFAULT.hashes(),
            Duration.ofSeconds(1), Duration.ofMillis(PubSubLimits.DEFAULT_REFRESH_MS),
            Duration.ofMillis(PubSubLimits.DEFAULT_FILTER_MAX_AGE_MS), PubSubLimits.DEFAULT_TTL,
            PubSubLimits.DEFAULT_SEEN_CAPACITY, 1000, 365, 100, -1, Duration.ofDays(30),
            Duration.ofHours(1), 3, Duration.ofSeconds(30), 16, 10_000);
    public static final int MAX_MESSAGES_PER_TOPIC = 100_000;

    public PubSubSettings {
        require(closestNeighbours >= 0 && randomNeighbours >= 0
                        && closestNeighbours + randomNeighbours <= PubSubLimits.MAX_NEIGHBOURS / 2
                        && closestNeighbours + randomNeighbours >= 1,
                "closestNeighbours + randomNeighbours must be 1.." + PubSubLimits.MAX_NEIGHBOURS / 2);
        new BloomFilter.Shape(filterBits, filterHashes); // validates m and k
        require(positive(filterTick), "filterTick must be positive");
        require(positive(filterRefresh) && filterRefresh.compareTo(filterTick) >= 0,
                "filterRefresh must be at least filterTick");
        require(positive(filterMaxAge) && filterMaxAge.compareTo(filterRefresh) > 0,
                "filterMaxAge must be longer than filterRefresh");
        require(ttl >= 1 && ttl <= PubSubLimits.MAX_TTL, "ttl must be 1.." + PubSubLimits.MAX_TTL);
        require(seenCapacity >= 1 && seenCapacity <= 1 << 20, "seenCapacity must be 1..1048576");
        require(messagesPerTopic >= 1 && messagesPerTopic <= MAX_MESSAGES_PER_TOPIC,
                "messagesPerTopic must be 1.." + MAX_MESSAGES_PER_TOPIC);
        require(maxContractDays >= 0 && maxContractDays <= 36_500, "maxContractDays must be 0..36500");
        require(Double.isFinite(speedMbps) && speedMbps >= 0, "speedMbps must be >= 0");
        require(availabilityPct == -1 || (availabilityPct >= 0 && availabilityPct <= 100),
                "availabilityPct must be 0..100, or -1 for measured");
        require(positive(availabilityWindow), "availabilityWindow must be positive");
        require(positive(auditInterval), "auditInterval must be positive");
        require(auditAttempts >= 1 && auditAttempts <= 100, "auditAttempts must be 1..100");
        require(positive(offerWait), "offerWait must be positive");
        require(maxPublications >= 1 && maxPublications <= 1000, "maxPublications must be 1..1000");
        require(maxContracts >= 1 && maxContracts <= 1_000_000, "maxContracts must be 1..1000000");
    }

    public BloomFilter.Shape shape() {
        return new BloomFilter.Shape(filterBits, filterHashes);
    }

    /** These settings with faster timers, for tests and benchmarks. */
    public PubSubSettings withTimers(Duration tick, Duration refresh, Duration maxAge, Duration audit, Duration offers) {
        return new PubSubSettings(closestNeighbours, randomNeighbours, filterBits, filterHashes, tick, refresh, maxAge,
                ttl, seenCapacity, messagesPerTopic, maxContractDays, speedMbps, availabilityPct, availabilityWindow,
                audit, auditAttempts, offers, maxPublications, maxContracts);
    }

    /** These settings with another advertised capability. */
    public PubSubSettings withCapability(int maxDays, double speed, double availability) {
        return new PubSubSettings(closestNeighbours, randomNeighbours, filterBits, filterHashes, filterTick,
                filterRefresh, filterMaxAge, ttl, seenCapacity, messagesPerTopic, maxDays, speed, availability,
                availabilityWindow, auditInterval, auditAttempts, offerWait, maxPublications, maxContracts);
    }

    /** These settings with another neighbour count. */
    public PubSubSettings withNeighbours(int closest, int random) {
        return new PubSubSettings(closest, random, filterBits, filterHashes, filterTick, filterRefresh, filterMaxAge,
                ttl, seenCapacity, messagesPerTopic, maxContractDays, speedMbps, availabilityPct, availabilityWindow,
                auditInterval, auditAttempts, offerWait, maxPublications, maxContracts);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("pubsub settings: " + message);
        }
    }
}
