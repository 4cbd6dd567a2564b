package io.cairn.cli;

import io.cairn.client.BlockClient;
import io.cairn.client.ClusterView;
import io.cairn.client.HttpCall;
import io.cairn.client.JettyTransport;
import io.cairn.client.ReplicationPolicy;
import io.cairn.client.bench.BenchRun;
import io.cairn.core.Clock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn bench [put|get|mixed|drive-store]}: a load generator against a running cluster, with the
 * project's own client (XOR placement, quorum writes, verified reads); see {@link BenchRun}.
 * Prints ops/s, MB/s, latency percentiles and errors as a table, or as JSON with {@code --json}.
 * Every run is bounded by {@code --count} and {@code --duration}. Exit 0 when no operation failed,
 * 1 when some did (the table is printed all the same), 2 for a wrong command line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Measure the cluster: block PUTs, verified GETs or both, from C concurrent clients.")
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "put|get|mixed|drive-store", defaultValue = "put",
            description = "what to measure (default: ${DEFAULT-VALUE}); mixed alternates get and put;"
                    + " drive-store sends POST /api/drive/store (BSON, size at most 4 MiB) to the alive storage nodes in turn")
    String modeName;

    @Mixin
    ClientOptions client;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64KiB", converter = Sizes.class,
            description = "block size, 1 B to 4 MiB (default: ${DEFAULT-VALUE})")
    long size;

    @Option(names = {"--count", "-n"}, paramLabel = "N", defaultValue = "10000",
            description = "operations at most (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = {"--concurrency", "-c"}, paramLabel = "C", defaultValue = "32",
            description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = {"--duration", "-d"}, paramLabel = "TIME", defaultValue = "30s", converter = Durations.class,
            description = "time limit of the measured run (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "0s", converter = Durations.class,
            description = "unmeasured load first, to warm up JIT and caches (default: none)")
    Duration warmup;

    @Option(names = "--rate", paramLabel = "OPS/S", defaultValue = "0",
            description = "open loop: start operations at this rate and measure latency from when each was due"
                    + " (default: 0 = as fast as the clients go)")
    double rate;

    @Option(names = "--blocks", paramLabel = "K", defaultValue = "1000",
            description = "get/mixed: the working set, K blocks written first (untimed) and read in turn (default: ${DEFAULT-VALUE})")
    int blocks;

    @Option(names = "--seed", paramLabel = "S",
            description = "seed of the block contents (default: random; get's working set with the same seed is the same)")
    Long seed;

    @Option(names = "--export", paramLabel = "DIR",
            description = "get: also write the working set as DIR/blocks/<address> and DIR/paths.txt (for nginx and wrk)")
    Path export;

    @Option(names = "--plain", description = "get: read /blocks/<address> from --node as a plain HTTP server"
            + " (e.g. nginx serving --export), verifying every hash; no cluster, no writes")
    boolean plain;

    @Option(names = "--no-prepare", description = "get: do not write the working set first (it is already there)")
    boolean noPrepare;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "64",
            description = "HTTP connections (= requests in flight) per node (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--lease", paramLabel = "SECONDS|never", description = "lease of the written blocks (default: the node's)")
    String lease;

    @Option(names = "--http", paramLabel = "jetty|jdk|blocking", defaultValue = "jetty",
            description = "the client's HTTP stack: jetty (what cairn uses), jdk (java.net.http, for comparison) or, for get,"
                    + " blocking (each worker does its own socket I/O: the least scheduling of the generator's own)")
    String httpStack;

    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        BenchRun.Mode mode = switch (modeName.toLowerCase(Locale.ROOT)) {
            case "put" -> BenchRun.Mode.PUT;
            case "get" -> BenchRun.Mode.GET;
            case "mixed" -> BenchRun.Mode.MIXED;
            case "drive-store" -> BenchRun.Mode.DRIVE_STORE;
            default -> throw usage("unknown mode '" + modeName + "' (put, get, mixed or drive-store)");
        };
        if (connections < 1 || connections > 4096) {
            throw usage("--connections must be 1..4096");
        }
        if (lease != null) {
            try {
                Lease.parseHeader(lease, java.time.Instant.now());
            } catch (io.cairn.core.CairnException e) {
                throw usage("--lease: " + e.getMessage());
            }
        }
        if (mode != BenchRun.Mode.GET && (export != null || plain || noPrepare)) {
            throw usage("--export, --plain and --no-prepare are for get");
        }
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 48);
        BenchRun.Config config;
        try {
            config = new BenchRun.Config(mode, (int) Math.min(size, Integer.MAX_VALUE), count, concurrency, duration,
                    rate, warmup, s, blocks, lease, plain);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        String key = plain ? null : client.clusterKey();
        if (!httpStack.equals("jetty") && !httpStack.equals("jdk") && !httpStack.equals("blocking")) {
            throw usage("--http must be jetty, jdk or blocking");
        }
        if (httpStack.equals("blocking") && mode != BenchRun.Mode.GET) {
            throw usage("--http blocking is for get runs");
        }
        try (io.cairn.client.Transport transport = switch (httpStack) {
            case "jdk" -> new io.cairn.client.bench.JdkTransport(key);
            case "blocking" -> new io.cairn.client.bench.BlockingTransport(key, true); // each worker keeps no body
            default -> JettyTransport.builder().clusterKey(key).maxInFlightPerNode(connections).build();
        }) {
            ClusterView view = plain ? null : new ClusterView(transport, List.of(client.node), Clock.SYSTEM);
            BlockClient blockClient = plain ? null : new BlockClient(transport, ReplicationPolicy.DEFAULT, HttpCall.DEFAULT_TIMEOUT);
            BenchRun run = new BenchRun(config, transport, view, blockClient, plain ? client.node : null);
            if (run.reads() && (!noPrepare || export != null)) {
                if (!json) {
                    main.stderr.printf("preparing %d blocks of %s%s...%n", blocks, Sizes.human(config.size()),
                            plain || noPrepare ? "" : " (written to the cluster, untimed)");
                }
                try {
                    run.prepare(export, !(plain || noPrepare));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            BenchRun.Result r = run.run();
            print(config, r, view == null ? 0 : view.aliveStorage().size());
            if (r.errors() > 0) {
                main.stderr.println("cairn: " + r.errors() + " of " + (r.ops() + r.errors()) + " operations failed; first: "
                        + Main.oneLine(new RuntimeException(r.firstError())));
                return Main.EXIT_FAILED;
            }
            if (r.ops() == 0) {
                main.stderr.println("cairn: no operation completed within " + Durations.human(duration));
                return Main.EXIT_FAILED;
            }
            return Main.EXIT_OK;
        }
    }

    private void print(BenchRun.Config c, BenchRun.Result r, int nodes) {
        PrintWriter out = main.out();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", c.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            m.put("node", client.node.toString());
            m.put("plain", c.plain());
            m.put("http", httpStack);
            m.put("nodes", nodes);
            m.put("size", c.size());
            m.put("count", c.count());
            m.put("concurrency", c.concurrency());
            m.put("durationLimitSeconds", c.duration().toMillis() / 1000.0);
            m.put("rate", c.rate());
            m.put("blocks", c.blocks());
            m.put("seed", c.seed());
            m.put("ops", r.ops());
            m.put("errors", r.errors());
            m.put("firstError", r.firstError());
            m.put("seconds", round(r.seconds(), 3));
            m.put("bytes", r.bytes());
            m.put("opsPerSecond", round(r.opsPerSecond(), 1));
            m.put("mbPerSecond", round(r.megabytesPerSecond(), 2));
            Map<String, Object> lat = new LinkedHashMap<>();
            lat.put("p50", r.p50Micros() / 1000.0);
            lat.put("p90", r.p90Micros() / 1000.0);
            lat.put("p99", r.p99Micros() / 1000.0);
            lat.put("max", r.maxMicros() / 1000.0);
            lat.put("mean", round(r.meanMicros() / 1000.0, 3));
            m.put("latencyMs", lat);
            if (c.rate() > 0) {
                Map<String, Object> lag = new LinkedHashMap<>();
                lag.put("p50", r.startLagP50Micros() / 1000.0);
                lag.put("p99", r.startLagP99Micros() / 1000.0);
                lag.put("max", r.startLagMaxMicros() / 1000.0);
                m.put("startLagMs", lag);
            }
            try {
                out.println(Json.MAPPER.writeValueAsString(m));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.printf("cairn bench %s: %s blocks, %d clients, %s, seed %d%s%n", c.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    Sizes.human(c.size()), c.concurrency(), c.plain() ? "plain HTTP " + client.node : nodes + " storage nodes",
                    c.seed(), c.rate() > 0 ? String.format(Locale.ROOT, ", open loop at %.0f ops/s", c.rate()) : "");
            out.printf("%10s %7s %8s %10s %8s %9s %9s %9s %9s%n",
                    "ops", "errors", "seconds", "ops/s", "MB/s", "p50 ms", "p90 ms", "p99 ms", "max ms");
            out.printf(Locale.ROOT, "%10d %7d %8.2f %10.1f %8.1f %9.2f %9.2f %9.2f %9.2f%n",
                    r.ops(), r.errors(), r.seconds(), r.opsPerSecond(), r.megabytesPerSecond(),
                    r.p50Micros() / 1000.0, r.p90Micros() / 1000.0, r.p99Micros() / 1000.0, r.maxMicros() / 1000.0);
            if (c.rate() > 0) {
                out.printf(Locale.ROOT, "generator start lag (part of every latency above): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        r.startLagP50Micros() / 1000.0, r.startLagP99Micros() / 1000.0, r.startLagMaxMicros() / 1000.0);
            }
        }
        out.flush();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
