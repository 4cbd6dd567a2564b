package io.cairn.node.directory;

import java.time.Duration;

/**
 * The directory's and memcache face's settings (one component of {@code NodeConfig}). Each: one
 * name, one default, the unit in its name or type; out-of-range values are refused at start with
 * an {@link IllegalArgumentException} naming the field.
 *
 * @param replicas               R, the ring successors holding each name's record (default 3)
 * @param writeQuorum            W, successors that must hold a record before a write is
 *                               acknowledged (default 2; min(W, ring size) on small rings)
 * @param virtualNodes           points per node on the ring (default 64, see HashRing)
 * @param antiEntropyInterval    how often a node compares its records with its co-replicas and
 *                               hands off records it no longer owns (default 10 s)
 * @param leaseRenewInterval     how often owners renew the leases of the blocks their records
 *                               reference (default 24 h; leases last 30 days)
 * @param peerTimeout            timeout of one directory call to a peer (default 2 s)
 * @param maxPutBytes            largest blob {@code PUT /names} accepts (default 1 GiB)
 * @param memcachePort           memcache text protocol port; -1 = off (default), 0 = any free port
 * @param memcacheMaxValueBytes  largest memcache value (default 1 MiB)
 * @param memcacheMaxLineBytes   longest memcache command line; longer closes the connection
 *                               (default 16 KiB: a {@code gets} of 60 keys of 250 bytes)
 * @param memcacheMaxConnections memcache connections served at once; more are refused (1024)
 * @param memcacheIdleTimeout    a memcache connection silent this long is closed (default 10 min)
 */
public record DirectorySettings(int replicas, int writeQuorum, int virtualNodes, Duration antiEntropyInterval,
                                Duration leaseRenewInterval, Duration peerTimeout, long maxPutBytes,
                                int memcachePort, int memcacheMaxValueBytes, int memcacheMaxLineBytes,
                                int memcacheMaxConnections, Duration memcacheIdleTimeout) {
    public static final DirectorySettings DEFAULTS = new DirectorySettings(3, 2, 64, Duration.ofSeconds(10),
            Duration.ofHours(24), Duration.ofSeconds(2), 1L << 30, -1, 1 << 20, 16 * 1024, 1024, Duration.ofMinutes(10));

    public DirectorySettings {
        require(replicas >= 1 && replicas <= 7, "replicas must be 1..7, got " + replicas);
        require(writeQuorum >= 1 && writeQuorum <= replicas, "writeQuorum must be 1..replicas, got " + writeQuorum);
        require(virtualNodes >= 1 && virtualNodes <= 4096, "virtualNodes must be 1..4096, got " + virtualNodes);
        require(positive(antiEntropyInterval), "antiEntropyInterval must be positive");
        require(positive(leaseRenewInterval), "leaseRenewInterval must be positive");
        require(positive(peerTimeout), "peerTimeout must be positive");
        require(maxPutBytes >= 1, "maxPutBytes must be positive");
        require(memcachePort >= -1 && memcachePort <= 65535, "memcachePort must be -1 (off) or 0..65535, got " + memcachePort);
        require(memcacheMaxValueBytes >= 1 && memcacheMaxValueBytes <= 64 << 20,
                "memcacheMaxValueBytes must be 1..64 MiB, got " + memcacheMaxValueBytes);
        require(memcacheMaxLineBytes >= 512 && memcacheMaxLineBytes <= 1 << 20,
                "memcacheMaxLineBytes must be 512..1 MiB, got " + memcacheMaxLineBytes);
        require(memcacheMaxConnections >= 1, "memcacheMaxConnections must be positive");
        require(positive(memcacheIdleTimeout), "memcacheIdleTimeout must be positive");
    }

    public DirectorySettings withMemcachePort(int port) {
        return new DirectorySettings(replicas, writeQuorum, virtualNodes, antiEntropyInterval, leaseRenewInterval,
                peerTimeout, maxPutBytes, port, memcacheMaxValueBytes, memcacheMaxLineBytes, memcacheMaxConnections,
                memcacheIdleTimeout);
    }

    public DirectorySettings withIntervals(Duration antiEntropy, Duration leaseRenew) {
        return new DirectorySettings(replicas, writeQuorum, virtualNodes, antiEntropy, leaseRenew,
                peerTimeout, maxPutBytes, memcachePort, memcacheMaxValueBytes, memcacheMaxLineBytes,
                memcacheMaxConnections, memcacheIdleTimeout);
    }

    public DirectorySettings withMemcacheLimits(int maxValueBytes, int maxLineBytes) {
        return new DirectorySettings(replicas, writeQuorum, virtualNodes, antiEntropyInterval, leaseRenewInterval,
                peerTimeout, maxPutBytes, memcachePort, maxValueBytes, maxLineBytes, memcacheMaxConnections,
                memcacheIdleTimeout);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("directory settings: " + message);
        }
    }
}
