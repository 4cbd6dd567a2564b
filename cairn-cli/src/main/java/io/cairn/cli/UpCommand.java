package io.cairn.cli;

import io.cairn.client.JettyTransport;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn up}: a local cluster in this one process (SPEC §4). Node i listens on port+i with
 * its data in {@code <data>/node-i}; the cluster key is made once in {@code <data>/cluster.key}
 * (mode 600) and reused, so running it again brings the same cluster back with its blocks.
 */
@Command(name = "up", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Run a local cluster in this process until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
    static final Duration MEMBERSHIP_WAIT = Duration.ofSeconds(15);

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "5", paramLabel = "N", description = "how many nodes (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--port", defaultValue = "7070", paramLabel = "P",
            description = "node i listens on P+i (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data", defaultValue = "cairn-data", paramLabel = "DIR",
            description = "data directory; node i keeps its data in DIR/node-i (default: ./${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--host", defaultValue = NodeConfig.DEFAULT_HOST, paramLabel = "HOST",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--memcache-port", paramLabel = "P", defaultValue = "-1",
            description = "node i also speaks the memcache protocol on P+i (default: off)")
    int memcachePort;

    @Option(names = "--repository", paramLabel = "DIR",
            description = "node 0 is the master of the repository rooted at DIR, the others its slaves;"
                    + " tokens are kept in <data>/write.token and <data>/slave.token")
    Path repository;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be 1..100");
        }
        if (port < 1 || port + nodes - 1 > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must leave room for " + nodes + " ports");
        }
        Path keyFile = data.resolve(ClusterKeys.FILE_NAME);
        String key = ClusterKeys.readOrCreate(keyFile);
        if (memcachePort != -1 && (memcachePort < 1 || memcachePort + nodes - 1 > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--memcache-port must leave room for " + nodes + " ports");
        }
        java.util.function.BiFunction<Integer, NodeConfig, NodeConfig> roles = (i, c) -> c;
        if (repository != null) { // issue #6
            String write = ClusterKeys.readOrCreate(data.resolve("write.token"));
            String slave = ClusterKeys.readOrCreate(data.resolve("slave.token"));
            // node 0 listens on --port; c.advertisedUrl(port) is its URL (brackets an IPv6 host)
            roles = (i, c) -> c.withHummel(i == 0
                    ? io.cairn.node.hummel.HummelSettings.master(repository, write, slave)
                    : io.cairn.node.hummel.HummelSettings.slave(c.advertisedUrl(port), slave, 0));
        }
        LocalCluster cluster = LocalCluster.start(host, port, data, nodes, key, memcachePort,
                io.cairn.node.DistributeConfig.DEFAULTS, roles);
        PrintWriter out = main.out();
        for (int i = 0; i < nodes; i++) {
            CairnNode n = cluster.node(i);
            out.printf("node %d  %s  id %s  data %s%s%n", i, n.url(), n.id().shortHex(), data.resolve("node-" + i),
                    (n.directory().memcachePort() >= 0 ? "  memcache " + n.directory().memcachePort() : "")
                            + (i == 0 ? "  (also the distribute service)" : ""));
        }
        out.flush();
        boolean converged;
        try (JettyTransport transport = new JettyTransport(key)) {
            converged = cluster.awaitAlive(transport, nodes, MEMBERSHIP_WAIT);
        }
        out.printf("cluster key in %s%n", keyFile);
        if (repository != null) {
            out.printf("repository %s: master %s (page %s/hummel/), slaves: nodes 1..%d; tokens in %s and %s%n",
                    repository, cluster.node(0).url(), cluster.node(0).url(), nodes - 1, data.resolve("write.token"),
                    data.resolve("slave.token"));
        }
        if (!converged) {
            out.printf("warning: node 0 does not yet see all %d nodes alive; check `cairn nodes`%n", nodes);
        }
        out.printf("%d nodes up; try `cairn put FILE`, `cairn nodes` and `cairn status`. Stop with Ctrl-C.%n", nodes);
        out.flush();
        NodeCommand.awaitShutdown(cluster::close);
        return Main.EXIT_OK;
    }
}
