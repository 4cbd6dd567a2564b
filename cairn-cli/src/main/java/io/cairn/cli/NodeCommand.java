package io.cairn.cli;

import io.cairn.node.CairnNode;
import io.cairn.node.NodeConfig;
import io.cairn.node.pubsub.PubSubSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn node}: runs one node in the foreground until SIGTERM or Ctrl-C, then stops it
 * cleanly. A node must be told its cluster key or be told, with {@code --open}, that the cluster
 * has none: refusing to guess keeps a forgotten flag from opening a cluster by accident.
 */
@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Run one node until stopped (Ctrl-C or SIGTERM).")
final class NodeCommand implements Callable<Integer> {
    static final Set<String> KNOWN_ROLES = Set.of("storage", "distribute", "directory", "apidrive",
            "hummel", "pubsub", "contracts", "memcache");

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "P", description = "HTTP port (0: any free port)")
    int port;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "the node's data directory")
    Path data;

    @Option(names = "--host", defaultValue = NodeConfig.DEFAULT_HOST, paramLabel = "HOST",
            description = "address to listen on and to advertise (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--join", paramLabel = "URL", description = "a node of the cluster to join (repeatable)")
    List<URI> join = new ArrayList<>();

    static final class Security {
        @Option(names = "--cluster-key-file", paramLabel = "F", description = "file holding the cluster key")
        Path keyFile;

        @Option(names = "--open", description = "run without a cluster key: internal calls are not authenticated")
        boolean open;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Security security;

    @Option(names = "--capacity", paramLabel = "BYTES", converter = Sizes.class, defaultValue = "0",
            description = "how much this node may store, e.g. 10GiB (default: the disk's free space)")
    long capacity;

    @Option(names = "--speed-mbps", paramLabel = "MBPS", defaultValue = "100",
            description = "transfer speed this node advertises for storage contracts (default 100)")
    double speedMbps;

    @Option(names = "--max-contract-days", paramLabel = "DAYS", defaultValue = "365",
            description = "longest storage contract this node accepts (default 365)")
    int maxContractDays;

    @Option(names = "--repository", paramLabel = "DIR",
            description = "be the master of the repository rooted at DIR (needs --write-token-file and --slave-token-file)")
    Path repository;

    @Option(names = "--write-token-file", paramLabel = "F", description = "the repository's write token (POST /build)")
    Path writeTokenFile;

    @Option(names = "--slave-token-file", paramLabel = "F", description = "the repository's slave token")
    Path slaveTokenFile;

    @Option(names = "--slave-of", paramLabel = "URL", description = "mirror the repository of this master")
    URI slaveOf;

    @Option(names = "--quota", paramLabel = "BYTES", converter = Sizes.class, defaultValue = "0",
            description = "archive bytes a slave keeps, e.g. 10GiB (default: no limit)")
    long quota;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE", defaultValue = "storage",
            description = "roles this node plays, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> roles;

    @Option(names = "--memcache-port", paramLabel = "P", defaultValue = "-1",
            description = "also listen for the memcache text protocol on port P (default: off)")
    int memcachePort;

    @Option(names = "--lease-days", paramLabel = "DAYS", defaultValue = "30",
            description = "API Drive: lease given on store and renewed to on read (default: ${DEFAULT-VALUE})")
    int leaseDays;

    @Option(names = "--drive-stores-per-minute", paramLabel = "N",
            defaultValue = "" + io.cairn.node.apidrive.DriveSettings.DEFAULT_STORES_PER_PERIOD,
            description = "API Drive: chunks one client IP may store per minute here; 0 = unlimited (default: ${DEFAULT-VALUE})")
    int storesPerMinute;

    @Option(names = "--drive-retrieves-per-minute", paramLabel = "N",
            defaultValue = "" + io.cairn.node.apidrive.DriveSettings.DEFAULT_RETRIEVES_PER_PERIOD,
            description = "API Drive: chunks one client IP may retrieve per minute here; 0 = unlimited (default: ${DEFAULT-VALUE})")
    int retrievesPerMinute;

    @Option(names = "--distribute", description = "also play the distribute role (SPEC §3.2): track who holds what, check health, repair")
    boolean distribute;

    @Option(names = "--distribute-url", paramLabel = "URL",
            description = "the distribute service to report to (default: found through gossip by its role)")
    URI distributeUrl;

    @Option(names = "--health-interval", paramLabel = "DURATION", converter = Durations.class, defaultValue = "1s",
            description = "distribute: how often every storage node is checked; storage: how often to ping the service (default: ${DEFAULT-VALUE})")
    java.time.Duration healthInterval;

    @Option(names = "--health-failures", paramLabel = "N", defaultValue = "3",
            description = "distribute: failed checks in a row after which a node is dead and re-replicated; one makes it suspect (default: ${DEFAULT-VALUE})")
    int healthFailures;

    @Option(names = "--repair-rate", paramLabel = "BYTES", converter = Sizes.class, defaultValue = "64MiB",
            description = "distribute: repair copies per second, e.g. 64MiB; 0 = unlimited (default: ${DEFAULT-VALUE})")
    long repairRate;

    @Option(names = "--trim-grace", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10m",
            description = "distribute: how long a block stays over-replicated before extra copies are deleted (default: ${DEFAULT-VALUE})")
    java.time.Duration trimGrace;

    @Option(names = "--scrub-rate", paramLabel = "BYTES", converter = Sizes.class, defaultValue = "8MiB",
            description = "bytes per second the scrubber re-hashes; 0 = off (default: ${DEFAULT-VALUE})")
    long scrubRate;

    // issue #10: the chaos run skews one node's wall clock; hidden, not for production use
    @Option(names = "--clock-skew-ms", hidden = true, defaultValue = "0", paramLabel = "MS")
    long clockSkewMs;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config();
        CairnNode node = clockSkewMs == 0 ? CairnNode.start(config)
                : CairnNode.startWithClock(config, io.cairn.cli.chaos.SkewedClock.of(clockSkewMs));
        main.out().printf("node %s listening on %s (data %s, %s)%n", node.id().hex(), node.url(),
                data.toAbsolutePath(), config.clusterKey() == null ? "open" : "cluster key from " + security.keyFile);
        if (node.directory().memcachePort() >= 0) {
            main.out().printf("memcache on %s:%d%n", config.host(), node.directory().memcachePort());
        }
        main.out().println("stop with Ctrl-C");
        main.out().flush();
        awaitShutdown(node::close);
        return Main.EXIT_OK;
    }

    NodeConfig config() throws java.io.IOException {
        if (security == null || (security.keyFile == null && !security.open)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the cluster key with --cluster-key-file F (`cairn up` writes one to <data>/cluster.key),"
                            + " or run without one with --open");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535");
        }
        if (capacity < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--capacity must not be negative");
        }
        Set<String> roleSet = new LinkedHashSet<>();
        for (String r : roles) {
            String role = r.strip().toLowerCase(java.util.Locale.ROOT);
            if (!KNOWN_ROLES.contains(role)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown role '" + r + "' (known: "
                        + String.join(", ", KNOWN_ROLES.stream().sorted().toList()) + ")");
            }
            roleSet.add(role);
        }
        String key = security.open ? null : ClusterKeys.read(security.keyFile);
        List<URI> joins = new ArrayList<>();
        for (URI u : join) {
            joins.add(io.cairn.core.NodeInfoCodec.url(u.toString()));
        }
        if (memcachePort < -1 || memcachePort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--memcache-port must be 0..65535");
        }
        if (distribute) {
            roleSet.add(io.cairn.core.NodeInfo.ROLE_DISTRIBUTE);
        }
        try {
            io.cairn.node.apidrive.DriveSettings drive = io.cairn.node.apidrive.DriveSettings.DEFAULTS // issue #5
                    .withLease(java.time.Duration.ofDays(leaseDays))
                    .withLimits(storesPerMinute, retrievesPerMinute, java.time.Duration.ofMinutes(1));
            io.cairn.node.DistributeConfig healing = new io.cairn.node.DistributeConfig( // issue #3
                    distributeUrl == null ? null : io.cairn.core.NodeInfoCodec.url(distributeUrl.toString()), null,
                    healthInterval, healthFailures, repairRate, trimGrace, scrubRate);
            return new NodeConfig(host, port, data, joins, key, capacity, roleSet, NodeConfig.DEFAULT_GOSSIP_INTERVAL)
                    .withPubSub(PubSubSettings.DEFAULTS.withCapability(maxContractDays, speedMbps, -1)) // issue #7
                    .withDirectory(io.cairn.node.directory.DirectorySettings.DEFAULTS.withMemcachePort(memcachePort))
                    .withDrive(drive)
                    .withDistribute(healing)
                    .withHummel(hummel()); // issue #6
        } catch (IllegalArgumentException | io.cairn.core.CairnException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The repository role from --repository / --slave-of and their token files (issue #6). */
    io.cairn.node.hummel.HummelSettings hummel() throws java.io.IOException {
        if (repository != null && slaveOf != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repository and --slave-of exclude each other");
        }
        if (repository != null) {
            if (writeTokenFile == null || slaveTokenFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--repository needs --write-token-file and --slave-token-file");
            }
            return io.cairn.node.hummel.HummelSettings.master(repository, ClusterKeys.read(writeTokenFile),
                    ClusterKeys.read(slaveTokenFile));
        }
        if (slaveOf != null) {
            if (slaveTokenFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--slave-of needs --slave-token-file");
            }
            if (quota < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--quota must not be negative");
            }
            return io.cairn.node.hummel.HummelSettings.slave(io.cairn.core.NodeInfoCodec.url(slaveOf.toString()),
                    ClusterKeys.read(slaveTokenFile), quota);
        }
        return io.cairn.node.hummel.HummelSettings.NONE;
    }

    /**
     * Blocks until the JVM is asked to stop, then runs {@code stop} inside the shutdown hook and
     * returns once it finished. The JVM exits when the hook returns, so this never returns normally.
     */
    static void awaitShutdown(Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, "cairn-shutdown"));
        stopped.await();
    }
}
