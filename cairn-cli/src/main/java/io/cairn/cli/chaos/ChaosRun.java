package io.cairn.cli.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One chaos run (issue #10): starts real node processes, runs the {@link Workload} while carrying
 * out the {@link FaultSchedule}, undoes every fault, waits (bounded) for the cluster to heal,
 * observes it and hands everything to the {@link Checker}. Prints the schedule, a timeline of
 * faults and anomalies, the verdict, the seed and the command that replays it.
 *
 * <p>Bounds: the workload stops at the run's duration; each fault action is bounded (a stop waits
 * at most 30 s before SIGKILL); healing waits at most {@code healBound}; the history holds at
 * most {@link #MAX_OPS} operations.
 */
public final class ChaosRun {
    static final int MAX_OPS = 200_000;
    static final int WORKERS = 2;

    /** What to run. {@code launcher} is the command before {@code node ...} (a JVM and the cairn jar or classpath). */
    public record Config(long seed, Duration duration, int nodes, boolean netns, Path out, List<String> launcher,
                         Duration healBound) {}

    /** The run's outcome; {@link #passed()} when the checker found nothing. */
    public record Result(long seed, List<String> anomalies, int operations, int acknowledged, int faults, String report) {
        public boolean passed() {
            return anomalies.isEmpty();
        }
    }

    private final Config config;
    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private final List<String> timeline = new ArrayList<>();

    public ChaosRun(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    long nowMs() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private synchronized void event(String text) {
        String line = String.format("%8.1fs  %s", nowMs() / 1000.0, text);
        timeline.add(line);
        out.println(line);
        out.flush();
    }

    public static String replayCommand(Config c) {
        return "./cairn chaos --seed " + c.seed() + " --duration " + c.duration().toSeconds() + "s --nodes " + c.nodes()
                + (c.netns() ? " --netns" : "");
    }

    public Result run() throws Exception {
        long durationMs = config.duration().toMillis();
        FaultSchedule schedule = FaultSchedule.of(config.seed(), durationMs, config.nodes());
        out.println("chaos run: seed " + config.seed() + ", " + config.duration().toSeconds() + " s, " + config.nodes()
                + " nodes, output in " + config.out());
        out.print(schedule.describe());
        Files.createDirectories(config.out());
        Hosts hosts = hosts();
        out.println(hosts.note());
        String key = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        Path keyFile = config.out().resolve("cluster.key");
        Files.writeString(keyFile, key + "\n");
        History history = new History(MAX_OPS);
        Http http = new Http(key, Duration.ofSeconds(10));
        List<String> anomalies;
        try (hosts; NodeProcesses nodes = new NodeProcesses(config.launcher(), config.out(), hosts, keyFile, config.nodes())) {
            FaultExecutor faults = new FaultExecutor(nodes, hosts, http, this::event);
            for (int i = 0; i < config.nodes(); i++) {
                nodes.start(i, 0, 0);
            }
            Observer observer = new Observer(nodes, http);
            String formed = observer.awaitHealed(120_000);
            if (formed != null) {
                throw new IllegalStateException("the cluster did not form: " + formed + "; see " + config.out() + "/node-*.log");
            }
            event("cluster formed; workload and faults start");
            long base = nowMs();
            Workload workload = new Workload(nodes, http, key, history, () -> nowMs() - base);
            List<Thread> workers = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
            for (int w = 0; w < WORKERS; w++) {
                long s = seeds.nextLong();
                workers.add(Thread.ofPlatform().name("chaos-worker-" + w).start(() -> workload.run(s, durationMs)));
            }
            faults.carryOut(schedule, () -> nowMs() - base);
            for (Thread w : workers) {
                w.join(durationMs + 120_000);
                w.interrupt();
            }
            event("workload stopped; " + history.ops().size() + " operations; restoring every node");
            faults.restoreAll();
            String healed = observer.awaitHealed(config.healBound().toMillis());
            event(healed == null ? "cluster healed" : "cluster did NOT heal: " + healed);
            Observations seen = observer.observe(history, healed);
            anomalies = Checker.check(history, seen);
            for (String a : anomalies) {
                event("ANOMALY " + a);
            }
            writeHistory(history);
        }
        return result(schedule, history, anomalies);
    }

    private Result result(FaultSchedule schedule, History history, List<String> anomalies) throws IOException {
        List<History.Op> ops = history.ops();
        long acked = ops.stream().filter(o -> o.outcome() == History.Outcome.OK).count();
        StringBuilder r = new StringBuilder();
        r.append(schedule.describe()).append("timeline:\n");
        timeline.forEach(l -> r.append(l).append('\n'));
        r.append("operations: ").append(ops.size()).append(" (acknowledged ").append(acked).append(", failed ")
                .append(ops.stream().filter(o -> o.outcome() == History.Outcome.FAILED).count()).append(", indeterminate ")
                .append(ops.stream().filter(o -> o.outcome() == History.Outcome.INDETERMINATE).count()).append(")\n");
        for (History.Type t : History.Type.values()) {
            r.append(String.format("  %-12s %6d ok %6d%n", t, ops.stream().filter(o -> o.type() == t).count(),
                    ops.stream().filter(o -> o.type() == t && o.outcome() == History.Outcome.OK).count()));
        }
        r.append("faults injected: ").append(schedule.faults().size()).append('\n');
        r.append("verdict: ").append(anomalies.isEmpty() ? "PASS (no anomaly)" : "FAIL (" + anomalies.size() + " anomalies)")
                .append(", seed ").append(config.seed()).append('\n');
        r.append("replay: ").append(replayCommand(config)).append('\n');
        Files.writeString(config.out().resolve("report.txt"), r.toString());
        return new Result(config.seed(), List.copyOf(anomalies), ops.size(), (int) acked, schedule.faults().size(), r.toString());
    }

    private void writeHistory(History history) throws IOException {
        List<String> lines = new ArrayList<>();
        history.ops().stream().sorted(Comparator.comparingLong(History.Op::startMs)).forEach(o -> lines.add(String.join("\t",
                Long.toString(o.id()), o.type().name(), String.valueOf(o.key()), String.valueOf(o.value()), Long.toString(o.size()),
                "n" + o.node(), Long.toString(o.startMs()), Long.toString(o.endMs()), o.outcome().name(), o.detail())));
        Files.write(config.out().resolve("history.tsv"), lines);
    }

    private Hosts hosts() {
        if (config.netns()) {
            Object made = NetnsHosts.create(config.nodes());
            if (made instanceof Hosts h) {
                return h;
            }
            out.println("note: network namespaces cannot be made here (" + made + "); falling back to loopback");
        }
        int[] ports = new int[config.nodes()];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new LoopbackHosts(ports);
    }
}
