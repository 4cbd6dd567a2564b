package io.cairn.node.hummel;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node's part in a repository (issue #6, SPEC §3.5): none, the master of the directory
 * {@code repository}, or a slave of the master at {@code slaveOf}. The last component of
 * {@link io.cairn.node.NodeConfig}; validated at start.
 *
 * @param repository        the directory a master indexes; null unless master
 * @param writeToken        the secret {@code POST /build} needs (master)
 * @param slaveToken        the secret {@code /slave/*} needs (master) and sends (slave)
 * @param slaveOf           the master's URL; null unless slave
 * @param quotaBytes        how many archive bytes a slave keeps; 0 means no limit
 * @param heartbeatInterval how often a slave sends a heartbeat (default 1 s)
 * @param slaveTimeout      a slave silent for this long is no longer offered (default 5 heartbeats)
 * @param buildThreads      files read and compressed at once by a build (default: 2 × cores, so that
 *                          one file's upload overlaps another's compression)
 * @param gzipLevel         deflate level of archives, 1..9 (default 6, like gzip)
 */
public record HummelSettings(Path repository, String writeToken, String slaveToken, URI slaveOf, long quotaBytes,
                             Duration heartbeatInterval, Duration slaveTimeout, int buildThreads, int gzipLevel) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final int DEFAULT_TIMEOUT_HEARTBEATS = 5;
    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final int MIN_TOKEN_CHARS = 16;
    /** Not a master, not a slave. */
    public static final HummelSettings NONE = new HummelSettings(null, null, null, null, 0, DEFAULT_HEARTBEAT,
            DEFAULT_HEARTBEAT.multipliedBy(DEFAULT_TIMEOUT_HEARTBEATS), defaultThreads(), DEFAULT_GZIP_LEVEL);

    public HummelSettings {
        require(!(repository != null && slaveOf != null), "a node is the master of a repository or a slave, not both");
        if (repository != null) {
            requireToken(writeToken, "writeToken");
            requireToken(slaveToken, "slaveToken");
            require(!writeToken.equals(slaveToken), "the write and slave tokens must differ");
        }
        if (slaveOf != null) {
            requireToken(slaveToken, "slaveToken");
            require("http".equals(slaveOf.getScheme()) && slaveOf.getHost() != null, "slaveOf must be an http URL, got " + slaveOf);
        }
        require(quotaBytes >= 0, "quotaBytes must be >= 0");
        require(heartbeatInterval != null && !heartbeatInterval.isNegative() && !heartbeatInterval.isZero(),
                "heartbeatInterval must be positive");
        require(slaveTimeout != null && slaveTimeout.compareTo(heartbeatInterval) > 0,
                "slaveTimeout must be longer than heartbeatInterval");
        require(buildThreads >= 1 && buildThreads <= 64, "buildThreads must be 1..64");
        require(gzipLevel >= 1 && gzipLevel <= 9, "gzipLevel must be 1..9");
    }

    public static HummelSettings master(Path repository, String writeToken, String slaveToken) {
        return new HummelSettings(repository, writeToken, slaveToken, null, 0, DEFAULT_HEARTBEAT,
                DEFAULT_HEARTBEAT.multipliedBy(DEFAULT_TIMEOUT_HEARTBEATS), defaultThreads(), DEFAULT_GZIP_LEVEL);
    }

    public static HummelSettings slave(URI master, String slaveToken, long quotaBytes) {
        return new HummelSettings(null, null, slaveToken, master, quotaBytes, DEFAULT_HEARTBEAT,
                DEFAULT_HEARTBEAT.multipliedBy(DEFAULT_TIMEOUT_HEARTBEATS), defaultThreads(), DEFAULT_GZIP_LEVEL);
    }

    public HummelSettings withHeartbeat(Duration interval, Duration timeout) {
        return new HummelSettings(repository, writeToken, slaveToken, slaveOf, quotaBytes, interval, timeout,
                buildThreads, gzipLevel);
    }

    public HummelSettings withRepository(Path dir) {
        return new HummelSettings(dir, writeToken, slaveToken, slaveOf, quotaBytes, heartbeatInterval, slaveTimeout,
                buildThreads, gzipLevel);
    }

    public HummelSettings withBuildThreads(int threads, int level) {
        return new HummelSettings(repository, writeToken, slaveToken, slaveOf, quotaBytes, heartbeatInterval, slaveTimeout,
                threads, level);
    }

    public boolean master() {
        return repository != null;
    }

    public boolean slave() {
        return slaveOf != null;
    }

    private static int defaultThreads() {
        return Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
    }

    private static void requireToken(String token, String name) {
        require(token != null && token.length() >= MIN_TOKEN_CHARS && token.chars().allMatch(c -> c > ' ' && c < 127),
                name + " must be at least " + MIN_TOKEN_CHARS + " printable characters");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("hummel settings: " + message);
        }
    }
}
