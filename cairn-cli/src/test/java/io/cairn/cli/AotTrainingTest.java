package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT training run really does what it claims to train: the put and get of its file go
 * through, against its own three nodes, and the file comes back whole (a training run that
 * silently failed would leave the put and get paths out of the cache).
 */
class AotTrainingTest {
    @Test
    void putAndGetRoundTripTheTrainingFile(@TempDir Path dir) throws Exception {
        AotTraining.putAndGet(dir, new SplittableRandom(AotTraining.SEED));
        byte[] put = Files.readAllBytes(dir.resolve("put.bin"));
        assertThat(put).hasSize(AotTraining.PUT_CHUNKS * 64 * 1024 + 123);
        assertThat(dir.resolve("got.bin")).as("the training get wrote its file").exists();
        assertThat(Files.readAllBytes(dir.resolve("got.bin"))).isEqualTo(put);
    }
}
