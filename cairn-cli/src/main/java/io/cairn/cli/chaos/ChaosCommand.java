package io.cairn.cli.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn chaos}: a seeded chaos run over real node processes with a checker (issue #10,
 * docs/RELIABILITY.md). Exit 0 only when the checker found no anomaly.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Run real nodes under a seeded fault schedule and a mixed workload, then check that nothing acknowledged was lost.")
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--seed", paramLabel = "S", description = "the seed of the fault schedule and workload (default: random, printed)")
    Long seed;

    @Option(names = "--duration", paramLabel = "DURATION", converter = io.cairn.cli.chaos.ChaosCommand.Seconds.class,
            defaultValue = "5m", description = "how long the workload and faults run, e.g. 90s, 5m (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "6", description = "node processes, at least 4 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--netns", description = "run each node in its own network namespace (needs root and `ip`; else falls back to loopback)")
    boolean netns;

    @Option(names = "--out", paramLabel = "DIR", description = "where node data, logs, history and report go (default: a new temp directory)")
    Path out;

    @Option(names = "--heal-bound", paramLabel = "DURATION", converter = io.cairn.cli.chaos.ChaosCommand.Seconds.class,
            defaultValue = "180s", description = "how long the cluster may take to heal after the faults (default: ${DEFAULT-VALUE})")
    Duration healBound;

    /** Accepts 90s, 5m, 1h or plain seconds. */
    public static final class Seconds implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.strip().toLowerCase(java.util.Locale.ROOT);
            char unit = s.charAt(s.length() - 1);
            long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
            return switch (unit) {
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    @Override
    public Integer call() throws Exception {
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        Path dir = out != null ? out : Files.createTempDirectory("cairn-chaos-");
        ChaosRun.Config config = new ChaosRun.Config(s, duration, nodes, netns, dir, launcher(), healBound);
        ChaosRun.Result result = new ChaosRun(config, System.out).run();
        System.out.println();
        System.out.print(result.report());
        return result.passed() ? 0 : 1;
    }

    /** This JVM's java binary and the jar or classpath it runs from, so that nodes run the same code. */
    public static List<String> launcher() {
        return launcher(System.getProperty("java.class.path"));
    }

    /** As {@link #launcher()} with a given classpath (a test passes surefire's, which is not java.class.path). */
    public static List<String> launcher(String cp) {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        cmd.addAll(NodeProcesses.NODE_JVM_OPTIONS);
        if (cp.endsWith(".jar") && !cp.contains(java.io.File.pathSeparator)) {
            cmd.addAll(List.of("-jar", cp));
        } else {
            cmd.addAll(List.of("-cp", cp, "io.cairn.cli.Main"));
        }
        return cmd;
    }
}
