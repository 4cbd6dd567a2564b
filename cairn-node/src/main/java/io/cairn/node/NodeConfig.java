package io.cairn.node;

import io.cairn.node.apidrive.DriveSettings;
import io.cairn.node.directory.DirectorySettings;
import io.cairn.node.hummel.HummelSettings;
import io.cairn.node.pubsub.PubSubSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a node is started with. Each field: one name, one default, the unit in its name or
 * its type. Built by the CLI from flags, by tests directly. Out-of-range values are refused here,
 * at start, with an {@link IllegalArgumentException} naming the field.
 *
 * @param host                 address to bind and to advertise (default 127.0.0.1)
 * @param port                 HTTP port; 0 picks a free one (tests)
 * @param dataDir              the node's directory: its ID, lock, blocks
 * @param join                 URLs of nodes to join through gossip; empty for the first node
 * @param clusterKey           the shared secret internal calls must carry; null means open (--open)
 * @param capacityBytes        how much this node may store; 0 means the free space of its disk
 * @param roles                e.g. "storage", "distribute"
 * @param gossipInterval       how often to gossip with a random peer (default 500 ms)
 * @param suspectAfter         a peer whose heartbeat has not risen for this long is suspect
 *                             (default 4 gossip intervals)
 * @param deadAfter            ... and dead after this long (default 10 gossip intervals)
 * @param forgetDeadAfter      a dead peer stays listed as dead this long past {@code deadAfter},
 *                             then is forgotten (default 1 hour)
 * @param replication          N, the replicas per block (SPEC §2, default 3); /files asks the N
 *                             closest alive nodes first, then N more
 * @param putsPerSecondPerClient token bucket on {@code PUT /blocks} per client IP (SPEC §3.3):
 *                             refill rate and burst; 0 means unlimited (default 10,000)
 * @param fileReadAheadChunks  chunks a {@code GET /files} fetches ahead of the one it writes
 *                             (default 4); bounds its memory to this many chunks
 * @param pubsub               the pub/sub overlay and storage contracts (issue #7); null means
 *                             {@link PubSubSettings#DEFAULTS}
 * @param directory            the directory role and memcache face (issue #4), see
 *                             {@link DirectorySettings}; null means its defaults
 * @param drive                API Drive: body limit, lease, per-IP limits, lease keeper (issue #5);
 *                             null means {@link DriveSettings#DEFAULTS}
 * @param distribute           self-healing: reporting to the distribute service, health checks,
 *                             repair, trim, scrubbing (issue #3); null means
 *                             {@link DistributeConfig#DEFAULTS}
 * @param hummel               the node's repository role (issue #6): master, slave or none; null
 *                             means {@link HummelSettings#NONE}
 */
public record NodeConfig(String host, int port, Path dataDir, List<URI> join, String clusterKey,
                         long capacityBytes, Set<String> roles, Duration gossipInterval,
                         Duration suspectAfter, Duration deadAfter, Duration forgetDeadAfter,
                         int replication, int putsPerSecondPerClient, int fileReadAheadChunks,
                         PubSubSettings pubsub, DirectorySettings directory, DriveSettings drive,
                         DistributeConfig distribute, HummelSettings hummel) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_GOSSIP_INTERVAL = Duration.ofMillis(500);
    public static final int SUSPECT_AFTER_INTERVALS = 4;
    public static final int DEAD_AFTER_INTERVALS = 10;
    public static final Duration DEFAULT_FORGET_DEAD_AFTER = Duration.ofHours(1);
    public static final int DEFAULT_REPLICATION = 3;
    public static final int DEFAULT_PUTS_PER_SECOND_PER_CLIENT = 10_000;
    public static final int DEFAULT_FILE_READ_AHEAD_CHUNKS = 4;

    public NodeConfig {
        host = Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        join = List.copyOf(join);
        roles = Set.copyOf(roles);
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(capacityBytes >= 0, "capacityBytes must be >= 0, got " + capacityBytes);
        require(positive(gossipInterval), "gossipInterval must be positive");
        require(positive(suspectAfter) && suspectAfter.compareTo(gossipInterval) > 0,
                "suspectAfter must be longer than gossipInterval (" + gossipInterval + "), got " + suspectAfter);
        require(positive(deadAfter) && deadAfter.compareTo(suspectAfter) > 0,
                "deadAfter must be longer than suspectAfter (" + suspectAfter + "), got " + deadAfter);
        require(positive(forgetDeadAfter), "forgetDeadAfter must be positive");
        require(replication >= 1 && replication <= 16, "replication must be 1..16, got " + replication);
        require(putsPerSecondPerClient >= 0, "putsPerSecondPerClient must be >= 0, got " + putsPerSecondPerClient);
        require(fileReadAheadChunks >= 1 && fileReadAheadChunks <= 64,
                "fileReadAheadChunks must be 1..64, got " + fileReadAheadChunks);
        require(clusterKey == null || !clusterKey.isBlank(), "clusterKey must not be blank (use null for --open)");
        pubsub = pubsub == null ? PubSubSettings.DEFAULTS : pubsub;
        directory = directory == null ? DirectorySettings.DEFAULTS : directory;
        drive = drive == null ? DriveSettings.DEFAULTS : drive;
        distribute = distribute == null ? DistributeConfig.DEFAULTS : distribute;
        hummel = hummel == null ? HummelSettings.NONE : hummel;
    }

    /** The eighteen fields before issue #6 was merged; the repository role is none. */
    public NodeConfig(String host, int port, Path dataDir, List<URI> join, String clusterKey,
                      long capacityBytes, Set<String> roles, Duration gossipInterval,
                      Duration suspectAfter, Duration deadAfter, Duration forgetDeadAfter,
                      int replication, int putsPerSecondPerClient, int fileReadAheadChunks,
                      PubSubSettings pubsub, DirectorySettings directory, DriveSettings drive,
                      DistributeConfig distribute) {
        this(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval, suspectAfter, deadAfter,
                forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, pubsub, directory, drive,
                distribute, HummelSettings.NONE);
    }

    /** The fifteen fields of issue #7 (up to pub/sub); everything after takes its default. */
    public NodeConfig(String host, int port, Path dataDir, List<URI> join, String clusterKey,
                      long capacityBytes, Set<String> roles, Duration gossipInterval,
                      Duration suspectAfter, Duration deadAfter, Duration forgetDeadAfter,
                      int replication, int putsPerSecondPerClient, int fileReadAheadChunks, PubSubSettings pubsub) {
        this(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval, suspectAfter, deadAfter,
                forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, pubsub,
                DirectorySettings.DEFAULTS, DriveSettings.DEFAULTS, DistributeConfig.DEFAULTS, HummelSettings.NONE);
    }

    /**
     * The fourteen fields before issues #7, #4, #5, #3 and #6; pub/sub, directory, API Drive,
     * self-healing and repository settings take their defaults.
     */
    public NodeConfig(String host, int port, Path dataDir, List<URI> join, String clusterKey,
                      long capacityBytes, Set<String> roles, Duration gossipInterval,
                      Duration suspectAfter, Duration deadAfter, Duration forgetDeadAfter,
                      int replication, int putsPerSecondPerClient, int fileReadAheadChunks) {
        this(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval, suspectAfter, deadAfter,
                forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, PubSubSettings.DEFAULTS,
                DirectorySettings.DEFAULTS, DriveSettings.DEFAULTS, DistributeConfig.DEFAULTS, HummelSettings.NONE);
    }

    /** This config with other pub/sub and contract settings. */
    public NodeConfig withPubSub(PubSubSettings settings) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks,
                settings, directory, drive, distribute, hummel);
    }

    /** This config with other directory settings. */
    public NodeConfig withDirectory(DirectorySettings settings) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks,
                pubsub, settings, drive, distribute, hummel);
    }

    /** This config with other API Drive settings. */
    public NodeConfig withDrive(DriveSettings settings) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks,
                pubsub, directory, settings, distribute, hummel);
    }

    /** The original eight fields; everything else takes its default. */
    public NodeConfig(String host, int port, Path dataDir, List<URI> join, String clusterKey,
                      long capacityBytes, Set<String> roles, Duration gossipInterval) {
        this(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                gossipInterval.multipliedBy(SUSPECT_AFTER_INTERVALS),
                gossipInterval.multipliedBy(DEAD_AFTER_INTERVALS),
                DEFAULT_FORGET_DEAD_AFTER, DEFAULT_REPLICATION, DEFAULT_PUTS_PER_SECOND_PER_CLIENT,
                DEFAULT_FILE_READ_AHEAD_CHUNKS);
    }

    /** A storage node with defaults, for tests and `cairn up`. */
    public static NodeConfig storage(int port, Path dataDir, List<URI> join, String clusterKey) {
        return new NodeConfig(DEFAULT_HOST, port, dataDir, join, clusterKey, 0,
                Set.of("storage"), DEFAULT_GOSSIP_INTERVAL);
    }

    /** This config with other gossip timings. */
    public NodeConfig withGossip(Duration interval, Duration suspect, Duration dead) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, interval,
                suspect, dead, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, pubsub, directory, drive, distribute, hummel);
    }

    public NodeConfig withPort(int newPort) {
        return new NodeConfig(host, newPort, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, pubsub, directory, drive, distribute, hummel);
    }

    public NodeConfig withJoin(List<URI> newJoin) {
        return new NodeConfig(host, port, dataDir, newJoin, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, pubsub, directory, drive, distribute, hummel);
    }

    public NodeConfig withCapacityBytes(long bytes) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, bytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks, pubsub, directory, drive, distribute, hummel);
    }

    public NodeConfig withPutsPerSecondPerClient(int rate) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, rate, fileReadAheadChunks, pubsub, directory, drive, distribute, hummel);
    }

    /** This config with other self-healing settings. */
    public NodeConfig withDistribute(DistributeConfig settings) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks,
                pubsub, directory, drive, settings, hummel);
    }

    /** This config with other roles. */
    public NodeConfig withRoles(Set<String> newRoles) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, newRoles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks,
                pubsub, directory, drive, distribute, hummel);
    }

    /** This config with another repository role (issue #6). */
    public NodeConfig withHummel(HummelSettings settings) {
        return new NodeConfig(host, port, dataDir, join, clusterKey, capacityBytes, roles, gossipInterval,
                suspectAfter, deadAfter, forgetDeadAfter, replication, putsPerSecondPerClient, fileReadAheadChunks,
                pubsub, directory, drive, distribute, settings);
    }

    /** Whether this node plays the distribute role (SPEC §3.2). */
    public boolean playsDistribute() {
        return roles.contains("distribute");
    }

    /** The URL this node advertises to its peers. */
    public URI advertisedUrl(int boundPort) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + boundPort);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("node config: " + message);
        }
    }
}
