package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Design (a), kept as the measured alternative: the basics hold, including after a torn temp file. */
class FileBlockStoreTest {
    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void putReadRestartAndTornTempFiles() throws Exception {
        Blocks b = Blocks.random(new Random(3), 5000);
        try (FileBlockStore store = new FileBlockStore(new StoreConfig(dir, 0, clock))) {
            assertThat(store.put(b.address, b.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.CREATED);
            assertThat(store.put(b.address, b.buffer(), Lease.NEVER)).isEqualTo(BlockStore.PutOutcome.EXISTED);
            assertThat(b.readFrom(store)).isEqualTo(b.bytes);
        }
        Path torn = dir.resolve("blocks").resolve("00").resolve("ab.tmp");
        Files.write(torn, new byte[] {1, 2, 3}); // a crash in the middle of a write
        try (FileBlockStore store = new FileBlockStore(new StoreConfig(dir, 0, clock))) {
            assertThat(b.readFrom(store)).isEqualTo(b.bytes);
            assertThat(store.blockCount()).isEqualTo(1);
            assertThat(torn).doesNotExist();
            TestStores.flipBit(dir.resolve("blocks").resolve(b.address.hex().substring(0, 2)).resolve(b.address.hex()), 100);
            assertThat(store.read(b.address)).isEmpty();
            assertThat(dir.resolve("quarantine").resolve(b.address.hex())).exists();
        }
    }
}
