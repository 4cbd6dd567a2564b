package io.cairn.testkit;

import io.cairn.client.Transport;
import io.cairn.core.Clock;
import io.cairn.core.NodeId;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeConfig;
import io.cairn.node.directory.DirectorySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * An in-process cluster on 127.0.0.1 for tests: n storage nodes in temp directories, each on an
 * ephemeral port, all joined through node 0 and sharing one cluster key. Nodes can be stopped and
 * started again with their data and port, so a restarted node keeps its ID and URL.
 *
 * <p>Always use it in try-with-resources: {@link #close()} stops every node still running.
 */
public final class TestCluster implements AutoCloseable {
    public static final String KEY = "test-cluster-key-0123456789abcdef";
    /** Fast gossip so that tests see membership changes within a second or two. */
    public static final Duration GOSSIP_INTERVAL = Duration.ofMillis(100);

    /** Changes node i's config before it starts (and again at each restart). */
    @FunctionalInterface
    public interface Customizer {
        NodeConfig apply(int index, NodeConfig base);
    }

    private final Path root;
    private final String clusterKey;
    private final List<Slot> slots = new ArrayList<>();
    /**
     * Changes each node's default config (node index, config) before it starts and again at each
     * restart; identity unless a start overload sets it.
     */
    private final BiFunction<Integer, NodeConfig, NodeConfig> configure;
    /** Shared by every node when not null (the caller closes it); else each node has its own. */
    private final Transport transport;
    /** Leases, expiry, rate limits of every node. */
    private final Clock clock;

    private static final class Slot {
        final Path dataDir;
        int port;
        NodeId id;
        CairnNode node;

        Slot(Path dataDir) {
            this.dataDir = dataDir;
        }
    }

    private TestCluster(Path root, String clusterKey, BiFunction<Integer, NodeConfig, NodeConfig> configure,
                        Transport transport, Clock clock) {
        this.root = root;
        this.clusterKey = clusterKey;
        this.configure = configure == null ? (i, c) -> c : configure;
        this.transport = transport;
        this.clock = clock == null ? Clock.SYSTEM : clock;
    }

    /** Starts n nodes; node 0 first, the others joining it. */
    public static TestCluster start(int n, Path root) {
        return start(n, root, (i, c) -> c, null, Clock.SYSTEM);
    }

    /**
     * Starts n nodes whose configs {@code configure} may change (node index, default config); with
     * a non-null {@code transport} every node talks through it (one HTTP client for all, which
     * keeps a large in-process cluster light; the caller closes it), else each has its own.
     */
    public static TestCluster start(int n, Path root, BiFunction<Integer, NodeConfig, NodeConfig> configure,
                                    Transport transport) {
        return start(n, root, configure, transport, Clock.SYSTEM);
    }

    /**
     * Starts n nodes on {@code clock} (leases, expiry, rate limits; a test may pass a clock whose
     * wall time it moves), each node's config passed through {@code configure} first (issue #5).
     */
    public static TestCluster start(int n, Path root, Clock clock, UnaryOperator<NodeConfig> configure) {
        return start(n, root, (i, c) -> configure.apply(c), null, clock);
    }

    /**
     * Starts n nodes, each config passed through {@code customizer} first (node index, default
     * config), at the first start and again at each restart (issue #3).
     */
    public static TestCluster start(int n, Path root, Customizer customizer) {
        return start(n, root, customizer::apply, null, Clock.SYSTEM);
    }

    /** Starts n nodes with the given directory settings (e.g. fast anti-entropy, memcache on port 0). */
    public static TestCluster start(int n, Path root, DirectorySettings directory) {
        return start(n, root, (i, c) -> c.withDirectory(directory), null, Clock.SYSTEM);
    }

    /**
     * The one path every overload takes: configure (null means as is), transport (null means one
     * per node), clock (null means the system clock).
     */
    public static TestCluster start(int n, Path root, BiFunction<Integer, NodeConfig, NodeConfig> configure,
                                    Transport transport, Clock clock) {
        TestCluster cluster = new TestCluster(root, KEY, configure, transport, clock);
        try {
            for (int i = 0; i < n; i++) {
                cluster.addNode();
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startSlot(int i) {
        Slot slot = slots.get(i);
        // Join through the first other running node, so a restarted node 0 finds the cluster too.
        List<URI> join = slots.stream().filter(s -> s != slot && s.node != null)
                .map(s -> s.node.url()).limit(1).toList();
        NodeConfig config = configure.apply(i, new NodeConfig(NodeConfig.DEFAULT_HOST, slot.port, slot.dataDir, join,
                clusterKey, 0, Set.of("storage"), GOSSIP_INTERVAL));
        slot.node = CairnNode.startWithClock(config, transport, clock);
        slot.port = slot.node.port();
        slot.id = slot.node.id();
    }

    /** Starts one more node (joining a running one) and returns its index. */
    public int addNode() {
        int i = slots.size();
        try {
            slots.add(new Slot(Files.createDirectories(root.resolve("node-" + i))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startSlot(i);
        return i;
    }

    public int size() {
        return slots.size();
    }

    public CairnNode node(int i) {
        CairnNode node = slots.get(i).node;
        if (node == null) {
            throw new IllegalStateException("node " + i + " is stopped");
        }
        return node;
    }

    public URI url(int i) {
        return URI.create("http://127.0.0.1:" + slots.get(i).port);
    }

    /** Node i's ID, also while it is stopped. */
    public NodeId id(int i) {
        return slots.get(i).id;
    }

    public Path dataDir(int i) {
        return slots.get(i).dataDir;
    }

    public String clusterKey() {
        return clusterKey;
    }

    public Path root() {
        return root;
    }

    public boolean running(int i) {
        return slots.get(i).node != null;
    }

    /** Indexes of the running nodes. */
    public List<Integer> runningNodes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).node != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** Stops node i (its data stays). */
    public void stop(int i) {
        Slot slot = slots.get(i);
        if (slot.node != null) {
            slot.node.close();
            slot.node = null;
        }
    }

    /** Starts node i again on its old port with its old data. */
    public void restart(int i) {
        stop(i);
        startSlot(i);
    }

    @Override
    public void close() {
        for (int i = slots.size() - 1; i >= 0; i--) {
            try {
                stop(i);
            } catch (RuntimeException e) {
                System.err.println("stopping node " + i + ": " + e);
            }
        }
    }
}
