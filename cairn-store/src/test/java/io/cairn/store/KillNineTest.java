package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Clock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real thing: a writer process killed with SIGKILL mid-write, then the store reopened. */
class KillNineTest {
    private static final long SEED = 9;
    private static final int ACKS_BEFORE_KILL = 400;

    @TempDir Path dir;

    @Test
    void everyAcknowledgedBlockSurvivesKillNine() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillNineWriter.class.getName(), dir.toString(), Long.toString(SEED))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Integer> acked = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acked.size() < ACKS_BEFORE_KILL && (line = lines.readLine()) != null) { // bounded by the ack count and the child's loop
                acked.add(Integer.parseInt(line.substring(4)));
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked).as("the child wrote (seed %d)", SEED).hasSize(ACKS_BEFORE_KILL);
        try (var store = SegmentBlockStore.open(new StoreConfig(dir, 0, Clock.SYSTEM), new StoreOptions(256 * 1024, SEED, 0.5))) {
            for (int k : acked) {
                Blocks b = KillNineWriter.block(SEED, k);
                if (k % 7 == 0) {
                    assertThat(store.contains(b.address)).as("seed %d: deleted block %d", SEED, k).isFalse();
                } else {
                    assertThat(b.readFrom(store)).as("seed %d: block %d", SEED, k).isEqualTo(b.bytes);
                }
            }
        }
    }
}
