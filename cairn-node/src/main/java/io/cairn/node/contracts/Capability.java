package io.cairn.node.contracts;

import io.cairn.core.contracts.ContractTopic;
import io.cairn.core.contracts.ContractTopic.Tier;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a storage node can honour, and so which contract topics it subscribes to (SPEC §3.6).
 * Pure; the holder recomputes it every tick from the store's free space, the configured maximum
 * duration and speed, and the measured availability.
 *
 * <p><b>Rule: a node subscribes to a tier when it meets the tier's upper end in the seed's
 * table</b> (size 8/16/32 MB of free space, duration 30/90/270 days, availability 50/80/99 %,
 * speed 6/12/32 Mbps), and to every combination of such tiers (at most 3^4 = 81 topics). A topic
 * is a range, so this is the conservative reading: the node can honour any contract in the
 * range, except above the table's top, where the concrete check {@link #canHonour} decides when
 * the contract arrives. Tiers are monotonic: meeting "high" means meeting "medium" and "low".
 * A node that does not meet the lowest tier of some criterion subscribes to nothing.
 *
 * @param freeBytes       what the store can still take
 * @param maxDays         the longest contract the node accepts
 * @param availabilityPct measured (or configured) availability, 0..100
 * @param speedMbps       configured transfer speed
 */
public record Capability(long freeBytes, double maxDays, double availabilityPct, double speedMbps) {
    static final double MB = 1_000_000;
    static final double[] SIZE_MB = {8, 16, 32};
    static final double[] DAYS = {30, 90, 270};
    static final double[] AVAILABILITY = {50, 80, 99};
    static final double[] SPEED = {6, 12, 32};

    /** The contract topics (hex) this node subscribes to, sorted. */
    public Set<String> topics() {
        int size = maxTier(freeBytes / MB, SIZE_MB);
        int days = maxTier(maxDays, DAYS);
        int availability = maxTier(availabilityPct, AVAILABILITY);
        int speed = maxTier(speedMbps, SPEED);
        Set<String> out = new TreeSet<>();
        Tier[] tiers = Tier.values();
        for (int a = 0; a < size; a++) {
            for (int b = 0; b < days; b++) {
                for (int c = 0; c < availability; c++) {
                    for (int d = 0; d < speed; d++) {
                        out.add(new ContractTopic(tiers[a], tiers[b], tiers[c], tiers[d]).hex());
                    }
                }
            }
        }
        return out;
    }

    /** Whether this node can hold a contract with these concrete terms. */
    public boolean canHonour(double sizeMb, double durationDays, double requiredAvailabilityPct, double requiredSpeedMbps) {
        return sizeMb * MB <= freeBytes && durationDays <= maxDays
                && requiredAvailabilityPct <= availabilityPct && requiredSpeedMbps <= speedMbps;
    }

    /** How many tiers (0..3) {@code value} meets, given each tier's upper end. */
    static int maxTier(double value, double[] upperEnds) {
        int n = 0;
        while (n < upperEnds.length && value >= upperEnds[n]) {
            n++;
        }
        return n;
    }
}
