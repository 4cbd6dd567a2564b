package io.cairn.node.apidrive;

import io.cairn.core.Manifest;
import io.cairn.core.apidrive.DriveCodec;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the API Drive role of a node is started with (SPEC §3.3, §2 leases; issue #5). One
 * name, one default, the unit in the type; out-of-range values are refused at start with an
 * {@link IllegalArgumentException} naming the field. A component of
 * {@link io.cairn.node.NodeConfig}.
 *
 * @param maxDataBytes          the largest {@code Data} of a store request (default 64 KiB; 1 B..4 MiB)
 * @param lease                 lease given on store and renewed to on every read (default 30 days)
 * @param storesPerPeriod       per client IP: chunks stored per {@code limitPeriod} through
 *                              {@code /api/drive/store}; also the burst; 0 = unlimited (default 6,000)
 * @param retrievesPerPeriod    per client IP: {@code /api/drive/retrieve} calls per period;
 *                              0 = unlimited (default 60,000)
 * @param limitPeriod           the token buckets' refill period (default 1 minute)
 * @param maintenanceInterval   how often the lease keeper runs; ZERO = never on its own (tests
 *                              drive it by hand) (default 10 minutes)
 * @param expiryLookahead       the keeper asks the other replicas about every block whose lease
 *                              ends within this much (default 1 day; at least 2 intervals)
 * @param expiryGrace           an expired block stays on disk, unserved but revivable, this long
 *                              before its space is reclaimed (default 1 day)
 * @param renewalFlushInterval  how often reads' renewals are sent to the other replicas (default 2 s)
 * @param maxPendingRenewals    renewals waiting for the next flush; beyond, they are dropped and
 *                              left to the keeper's check (default 65,536)
 */
public record DriveSettings(int maxDataBytes, Duration lease, int storesPerPeriod, int retrievesPerPeriod,
                            Duration limitPeriod, Duration maintenanceInterval, Duration expiryLookahead,
                            Duration expiryGrace, Duration renewalFlushInterval, int maxPendingRenewals) {
    public static final Duration DEFAULT_LEASE = Duration.ofDays(30);
    public static final int DEFAULT_STORES_PER_PERIOD = 6_000;
    public static final int DEFAULT_RETRIEVES_PER_PERIOD = 60_000;
    public static final Duration DEFAULT_LIMIT_PERIOD = Duration.ofMinutes(1);
    public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_EXPIRY_LOOKAHEAD = Duration.ofDays(1);
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofDays(1);
    public static final Duration DEFAULT_RENEWAL_FLUSH_INTERVAL = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_PENDING_RENEWALS = 65_536;
    /** The longest lease a node may be configured to give: 10 years. */
    public static final Duration MAX_LEASE = Duration.ofDays(3660);

    public static final DriveSettings DEFAULTS = new DriveSettings(DriveCodec.DEFAULT_MAX_DATA_BYTES, DEFAULT_LEASE,
            DEFAULT_STORES_PER_PERIOD, DEFAULT_RETRIEVES_PER_PERIOD, DEFAULT_LIMIT_PERIOD, DEFAULT_MAINTENANCE_INTERVAL,
            DEFAULT_EXPIRY_LOOKAHEAD, DEFAULT_EXPIRY_GRACE, DEFAULT_RENEWAL_FLUSH_INTERVAL, DEFAULT_MAX_PENDING_RENEWALS);

    public DriveSettings {
        require(maxDataBytes >= 1 && maxDataBytes <= Manifest.MAX_CHUNK_SIZE,
                "maxDataBytes must be 1.." + Manifest.MAX_CHUNK_SIZE + ", got " + maxDataBytes);
        require(positive(lease) && lease.compareTo(MAX_LEASE) <= 0 && lease.toSeconds() >= 60,
                "lease must be 1 minute..10 years, got " + lease);
        require(storesPerPeriod >= 0, "storesPerPeriod must be >= 0, got " + storesPerPeriod);
        require(retrievesPerPeriod >= 0, "retrievesPerPeriod must be >= 0, got " + retrievesPerPeriod);
        require(positive(limitPeriod), "limitPeriod must be positive");
        require(maintenanceInterval != null && !maintenanceInterval.isNegative(),
                "maintenanceInterval must be >= 0 (0: only when asked)");
        require(positive(expiryLookahead) && expiryLookahead.compareTo(maintenanceInterval.multipliedBy(2)) >= 0,
                "expiryLookahead must be at least two maintenance intervals (" + maintenanceInterval + "), got "
                        + expiryLookahead);
        require(expiryGrace != null && !expiryGrace.isNegative(), "expiryGrace must be >= 0");
        require(positive(renewalFlushInterval), "renewalFlushInterval must be positive");
        require(maxPendingRenewals >= 1 && maxPendingRenewals <= 10_000_000,
                "maxPendingRenewals must be 1..10,000,000, got " + maxPendingRenewals);
    }

    public DriveSettings withLease(Duration d) {
        return new DriveSettings(maxDataBytes, d, storesPerPeriod, retrievesPerPeriod, limitPeriod,
                maintenanceInterval, expiryLookahead, expiryGrace, renewalFlushInterval, maxPendingRenewals);
    }

    /** Per-IP limits: stores and retrieves per {@code period} (0 = unlimited). */
    public DriveSettings withLimits(int stores, int retrieves, Duration period) {
        return new DriveSettings(maxDataBytes, lease, stores, retrieves, period,
                maintenanceInterval, expiryLookahead, expiryGrace, renewalFlushInterval, maxPendingRenewals);
    }

    public DriveSettings withMaintenance(Duration interval, Duration lookahead, Duration grace) {
        return new DriveSettings(maxDataBytes, lease, storesPerPeriod, retrievesPerPeriod, limitPeriod,
                interval, lookahead, grace, renewalFlushInterval, maxPendingRenewals);
    }

    public DriveSettings withRenewalFlushInterval(Duration d) {
        return new DriveSettings(maxDataBytes, lease, storesPerPeriod, retrievesPerPeriod, limitPeriod,
                maintenanceInterval, expiryLookahead, expiryGrace, d, maxPendingRenewals);
    }

    public DriveSettings withMaxDataBytes(int bytes) {
        return new DriveSettings(bytes, lease, storesPerPeriod, retrievesPerPeriod, limitPeriod,
                maintenanceInterval, expiryLookahead, expiryGrace, renewalFlushInterval, maxPendingRenewals);
    }

    @Override
    public String toString() {
        return "maxData " + maxDataBytes + " B, lease " + lease + ", per IP " + limit(storesPerPeriod) + " stores and "
                + limit(retrievesPerPeriod) + " retrieves per " + limitPeriod + ", keeper every "
                + (maintenanceInterval.isZero() ? "(manual)" : maintenanceInterval) + " lookahead " + expiryLookahead
                + " grace " + expiryGrace;
    }

    private static String limit(int n) {
        return n == 0 ? "unlimited" : Integer.toString(n);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("drive settings: " + Objects.requireNonNull(message));
        }
    }
}
