package io.cairn.cli;

import io.cairn.client.ClusterView;
import io.cairn.client.Transport;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.NodeInfo;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several nodes in this one JVM, as {@code cairn up} and {@code cairn demo} run them: node i
 * listens on {@code basePort + i} (or a free port when {@code basePort} is 0) with its data in
 * {@code <root>/node-i}; nodes 1..n-1 join node 0. Starting again on the same root brings the
 * same nodes back (IDs and blocks live in their data directories).
 */
final class LocalCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    private final List<CairnNode> nodes = new ArrayList<>();
    private final List<Boolean> running = new ArrayList<>();

    private LocalCluster() {}

    static LocalCluster start(String host, int basePort, Path root, int count, String clusterKey) {
        return start(host, basePort, root, count, clusterKey, -1, io.cairn.node.DistributeConfig.DEFAULTS);
    }

    /** As above; with {@code memcacheBasePort} ≥ 0 node i also serves memcache on memcacheBasePort + i (0: any port). */
    static LocalCluster start(String host, int basePort, Path root, int count, String clusterKey, int memcacheBasePort) {
        return start(host, basePort, root, count, clusterKey, memcacheBasePort, io.cairn.node.DistributeConfig.DEFAULTS);
    }

    /** Node 0 also plays the distribute role (SPEC §4); every node uses {@code healing}. */
    static LocalCluster start(String host, int basePort, Path root, int count, String clusterKey,
                              io.cairn.node.DistributeConfig healing) {
        return start(host, basePort, root, count, clusterKey, -1, healing);
    }

    /** As the first, with each node's config passed through {@code configure} (node index, config). */
    static LocalCluster start(String host, int basePort, Path root, int count, String clusterKey,
                              java.util.function.BiFunction<Integer, NodeConfig, NodeConfig> configure) {
        return start(host, basePort, root, count, clusterKey, -1, io.cairn.node.DistributeConfig.DEFAULTS, configure);
    }

    static LocalCluster start(String host, int basePort, Path root, int count, String clusterKey,
                              int memcacheBasePort, io.cairn.node.DistributeConfig healing) {
        return start(host, basePort, root, count, clusterKey, memcacheBasePort, healing, (i, c) -> c);
    }

    /**
     * The one path: node 0 also plays the distribute role (SPEC §4), every node uses
     * {@code healing}; with {@code memcacheBasePort} ≥ 0 node i also serves memcache on
     * memcacheBasePort + i (0: any port); last, each node's config is passed through
     * {@code configure} (node index, config), e.g. for the repository roles of issue #6.
     */
    static LocalCluster start(String host, int basePort, Path root, int count, String clusterKey,
                              int memcacheBasePort, io.cairn.node.DistributeConfig healing,
                              java.util.function.BiFunction<Integer, NodeConfig, NodeConfig> configure) {
        if (count < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        LocalCluster cluster = new LocalCluster();
        try {
            for (int i = 0; i < count; i++) {
                List<URI> join = i == 0 ? List.of() : List.of(cluster.nodes.getFirst().url());
                Set<String> roles = i == 0 ? Set.of(NodeInfo.ROLE_STORAGE, NodeInfo.ROLE_DISTRIBUTE)
                        : Set.of(NodeInfo.ROLE_STORAGE);
                NodeConfig config = new NodeConfig(host, basePort == 0 ? 0 : basePort + i,
                        root.resolve("node-" + i), join, clusterKey, 0, roles,
                        NodeConfig.DEFAULT_GOSSIP_INTERVAL).withDistribute(healing);
                if (memcacheBasePort >= 0) {
                    config = config.withDirectory(io.cairn.node.directory.DirectorySettings.DEFAULTS
                            .withMemcachePort(memcacheBasePort == 0 ? 0 : memcacheBasePort + i));
                }
                cluster.nodes.add(CairnNode.start(configure.apply(i, config)));
                cluster.running.add(true);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    List<CairnNode> nodes() {
        return List.copyOf(nodes);
    }

    CairnNode node(int i) {
        return nodes.get(i);
    }

    /** Stops node i (as a crash would, from the others' point of view). */
    void stop(int i) {
        synchronized (running) {
            if (!running.get(i)) {
                return;
            }
            running.set(i, false);
        }
        nodes.get(i).close();
    }

    /**
     * Waits until every node's node list shows {@code expected} alive storage nodes; false after
     * {@code timeout}. Gossip needs a few rounds before each node, and so each client, sees everyone.
     */
    boolean awaitAlive(Transport transport, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CairnNode node : nodes) {
            ClusterView view = new ClusterView(transport, List.of(node.url()), Clock.SYSTEM);
            while (!seesAlive(view, expected)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        return true;
    }

    private static boolean seesAlive(ClusterView view, int expected) {
        try {
            return view.refresh().stream().filter(n -> n.alive() && n.stores()).count() >= expected;
        } catch (CairnException e) {
            log.debug("waiting for the node list: {}", e.getMessage());
            return false;
        }
    }

    /** Stops every node still running, all at once (each node's stop takes its own time). */
    @Override
    public void close() {
        try (var stoppers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                int index = i;
                stoppers.execute(() -> {
                    try {
                        stop(index);
                    } catch (RuntimeException e) {
                        log.warn("stopping node {}: {}", index, e.getMessage());
                    }
                });
            }
        }
    }
}
