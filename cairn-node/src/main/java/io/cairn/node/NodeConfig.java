package io.cairn.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything a node is started with. Each field: one name, one default, the unit in its name.
 * Built by the CLI from flags, by tests directly.
 *
 * @param host           address to bind and to advertise (default 127.0.0.1)
 * @param port           HTTP port; 0 picks a free one (tests)
 * @param dataDir        the node's directory: its ID, lock, blocks
 * @param join           URLs of nodes to join through gossip; empty for the first node
 * @param clusterKey     the shared secret internal calls must carry; null means open (--open)
 * @param capacityBytes  how much this node may store; 0 means the free space of its disk
 * @param roles          e.g. "storage", "distribute"
 * @param gossipInterval how often to gossip with a random peer
 */
public record NodeConfig(String host, int port, Path dataDir, List<URI> join, String clusterKey,
                         long capacityBytes, Set<String> roles, Duration gossipInterval) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_GOSSIP_INTERVAL = Duration.ofMillis(500);

    public NodeConfig {
        join = List.copyOf(join);
        roles = Set.copyOf(roles);
    }

    /** A storage node with defaults, for tests and `cairn up`. */
    public static NodeConfig storage(int port, Path dataDir, List<URI> join, String clusterKey) {
        return new NodeConfig(DEFAULT_HOST, port, dataDir, join, clusterKey, 0,
                Set.of("storage"), DEFAULT_GOSSIP_INTERVAL);
    }
}
