package io.cairn.testkit.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cli.chaos.ChaosCommand;
import io.cairn.cli.chaos.ChaosRun;
import io.cairn.cli.chaos.Fault;
import io.cairn.cli.chaos.FaultKind;
import io.cairn.cli.chaos.FaultSchedule;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short chaos run of the suite (issue #10, docs/RELIABILITY.md): two fixed seeds (1 and 6), five real
 * node processes each, every fault kind across the two; zero anomalies expected. A failure names
 * the seed and the command that replays it. Longer runs: {@code ./cairn chaos --duration 5m}.
 */
class ChaosRunTest {
    static final long[] SEEDS = {1, 6}; // chosen so that together they try every fault kind in 45 s
    static final Duration DURATION = Duration.ofSeconds(45);
    static final int NODES = 5;

    @Test
    void theFixedSeedsTryEveryFaultKind() {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (long seed : SEEDS) {
            FaultSchedule.of(seed, DURATION.toMillis(), NODES).faults().stream().map(Fault::kind).forEach(kinds::add);
        }
        assertThat(kinds).containsExactlyInAnyOrder(FaultKind.values());
    }

    @Test
    void aScheduleReplaysFromItsSeed() {
        assertThat(FaultSchedule.of(42, 300_000, 6).describe()).isEqualTo(FaultSchedule.of(42, 300_000, 6).describe());
        assertThat(FaultSchedule.of(42, 300_000, 6).describe()).isNotEqualTo(FaultSchedule.of(43, 300_000, 6).describe());
    }

    @Test
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES) // bound; a run takes 2-3 minutes per seed here
    void nothingAcknowledgedIsLost() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (long seed : SEEDS) {
            Path out = Files.createTempDirectory("cairn-chaos-" + seed + "-");
            ChaosRun.Config config = new ChaosRun.Config(seed, DURATION, NODES, false, out, ChaosCommand.launcher(cp),
                    Duration.ofSeconds(180));
            PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("run.log")), true);
            ChaosRun.Result result = new ChaosRun(config, log).run();
            assertThat(result.anomalies())
                    .as("chaos seed %d found anomalies; replay with: %s (output in %s)%n%s", seed,
                            ChaosRun.replayCommand(config), out, result.report())
                    .isEmpty();
            assertThat(result.acknowledged()).as("seed %d: the workload got acknowledgements", seed).isGreaterThan(20);
            log.close();
            deleteTree(out); // kept when the run failed, for the replay
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
