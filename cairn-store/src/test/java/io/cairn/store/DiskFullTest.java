package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A real full disk (ENOSPC from write), not just the capacity check: needs a small file system,
 * so it runs only when {@code -Dcairn.smallfs=<dir on a file system of a few MiB>} is given, e.g.
 * {@code mount -t tmpfs -o size=2m tmpfs /tmp/tfs}. The disk reserve is set to 0 so the writes
 * really hit the end of the disk.
 */
@EnabledIfSystemProperty(named = "cairn.smallfs", matches = ".+")
class DiskFullTest {
    @Test
    void aFullDiskIs507AndTheStoreStaysConsistentAndUsable() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("cairn.smallfs")), "store-");
        Path filler = dir.resolveSibling(dir.getFileName() + ".filler");
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        // tiny segments: every block starts a fresh file, so the write surely needs every byte
        StoreOptions noReserve = new StoreOptions(4096, 42, 0.5, 0);
        Random random = new Random(77);
        List<Blocks> stored = new ArrayList<>();
        try (var store = SegmentBlockStore.open(new StoreConfig(dir, 0, clock), noReserve)) {
            for (int i = 0; i < 5; i++) {
                Blocks b = Blocks.random(random, 10_000);
                store.put(b.address, b.buffer(), Lease.NEVER);
                stored.add(b);
            }
            long leave = 64 * 1024;
            Files.write(filler, new byte[(int) (Files.getFileStore(dir).getUsableSpace() - leave)]);
            Blocks tooBig = Blocks.random(random, (int) leave); // passes the free-space check, not the write
            assertThatThrownBy(() -> store.put(tooBig.address, tooBig.buffer(), Lease.NEVER))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);
                        assertThat(e.getCause()).as("a real ENOSPC from write: " + e.getMessage()).isInstanceOf(java.io.IOException.class);
                    });
            assertThat(store.contains(tooBig.address)).isFalse();
            for (Blocks b : stored) {
                assertThat(b.readFrom(store)).isEqualTo(b.bytes);
            }
            Files.delete(filler);
            Blocks after = Blocks.random(random, 10_000);
            assertThat(store.put(after.address, after.buffer(), Lease.NEVER)).as("usable after").isEqualTo(BlockStore.PutOutcome.CREATED);
            stored.add(after);
        }
        try (var store = SegmentBlockStore.open(new StoreConfig(dir, 0, clock), noReserve)) {
            assertThat(store.blockCount()).isEqualTo(stored.size());
            for (Blocks b : stored) {
                assertThat(b.readFrom(store)).isEqualTo(b.bytes);
            }
        } finally {
            Files.deleteIfExists(filler);
            try (var files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
