package io.cairn.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Clock;
import io.cairn.core.HashedBlock;
import io.cairn.core.Lease;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockStores;
import io.cairn.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrubber eases off while the node carries requests, and never stops. */
class ScrubPacingTest {
    private static final long SEED = 909;

    @TempDir Path dir;

    @Test
    void theFullBudgetWhenQuietAnEighthWhenBusyNeverNothing() {
        ScrubPacing p = new ScrubPacing(2_000_000, 16_000_000, 8);
        assertThat(p.budget(0)).isEqualTo(2_000_000);
        assertThat(p.budget(16_000_000)).as("at the threshold: still quiet").isEqualTo(2_000_000);
        assertThat(p.budget(16_000_001)).isEqualTo(250_000);
        assertThat(p.budget(Long.MAX_VALUE)).isEqualTo(250_000);
        assertThat(new ScrubPacing(5, 10, 8).budget(11)).as("a tiny budget still checks a block").isEqualTo(1);
        assertThat(new ScrubPacing(0, 10, 8).budget(11)).as("scrubbing off stays off").isZero();
        assertThat(ScrubPacing.of(2_000_000).busyBytesPerTick()).isEqualTo(ScrubPacing.DEFAULT_BUSY_BYTES_PER_TICK);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new ScrubPacing(-1, 10, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScrubPacing(1, -10, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScrubPacing(1, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMaintenanceStepScrubsLessAfterATickOfTrafficAndAllAgainAfterAQuietOne() throws Exception {
        Random random = new Random(SEED);
        AtomicLong traffic = new AtomicLong(123_456_789); // a running total: only its growth counts
        try (BlockStore store = BlockStores.open(StoreConfig.of(dir))) {
            for (int i = 0; i < 200; i++) { // 12.5 MiB, more than two full ticks
                byte[] b = new byte[64 * 1024];
                random.nextBytes(b);
                store.put(HashedBlock.of(ByteBuffer.wrap(b)), Lease.NEVER);
            }
            // 16 MiB/s: 4 MiB per 250 ms tick, 512 KiB while busy
            try (StoreMaintenance m = new StoreMaintenance(store, Clock.SYSTEM, 16L << 20, traffic::get)) {
                m.scrubStep();
                long quiet = m.bytesScrubbed();
                assertThat(quiet).as("seed %d", SEED).isBetween(4L << 20, (4L << 20) + 64 * 1024);
                traffic.addAndGet(ScrubPacing.DEFAULT_BUSY_BYTES_PER_TICK + 1);
                m.scrubStep();
                long busy = m.bytesScrubbed() - quiet;
                assertThat(busy).as("seed %d", SEED).isBetween(512L << 10, (512L << 10) + 64 * 1024);
                assertThat(m.scrubTicksEased()).isEqualTo(1);
                traffic.addAndGet(1_000); // gossip-sized
                m.scrubStep();
                assertThat(m.bytesScrubbed() - quiet - busy).as("seed %d", SEED).isGreaterThanOrEqualTo(4L << 20);
                assertThat(m.scrubTicksEased()).isEqualTo(1);
            }
        }
    }
}
