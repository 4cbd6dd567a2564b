package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Lease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lending read path ({@link BlockStore#readView}): mapped segments, same checks as read. */
class ReadViewTest {
    private static final long SEED = 2026;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);
    private final RecordingListener listener = new RecordingListener();

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] viewBytes(BlockStore store, Blocks b) {
        try (BlockView v = store.readView(b.address).orElse(null)) {
            return v == null ? null : bytes(v.content());
        }
    }

    @Test
    void lendsTheVerifiedBytesOfTheMappingWithTheLease() {
        List<Blocks> blocks = new ArrayList<>();
        Lease lease = Lease.until(T0.plus(Duration.ofDays(30)));
        try (var store = TestStores.open(dir, clock)) {
            for (int i = 0; i < 100; i++) { // 64 KiB segments: most sealed, the last active
                Blocks b = Blocks.random(random, 1 + random.nextInt(3000));
                store.put(b.address, b.buffer(), lease);
                blocks.add(b);
            }
            for (Blocks b : blocks) {
                try (BlockView v = store.readView(b.address).orElseThrow()) {
                    assertThat(bytes(v.content())).as("seed %d", SEED).isEqualTo(b.bytes);
                    assertThat(v.leaseEpochSecond()).isEqualTo(lease.expiresEpochSecond());
                }
            }
            try (BlockView v = store.readView(blocks.getFirst().address).orElseThrow()) {
                assertThat(v.content().isDirect()).as("a sealed segment is mapped, not copied").isTrue();
                assertThat(v.content().isReadOnly()).isTrue();
            }
            assertThat(store.readView(Blocks.random(random, 10).address)).isEmpty();
            assertThat(store.isResident(blocks.getFirst().address)).as("just read: in the page cache").isTrue();
            assertThat(store.isResident(Blocks.random(random, 10).address)).as("absent: answered from the index").isTrue();
        }
    }

    @Test
    void expiredAndDeletedBlocksAreNotLent() {
        try (var store = TestStores.open(dir, clock)) {
            Blocks gone = Blocks.random(random, 1000);
            Blocks expiring = Blocks.random(random, 1000);
            store.put(gone.address, gone.buffer(), Lease.NEVER);
            store.put(expiring.address, expiring.buffer(), Lease.until(T0.plus(Duration.ofHours(1))));
            store.delete(gone.address);
            clock.advance(Duration.ofHours(2));
            assertThat(store.readView(gone.address)).isEmpty();
            assertThat(store.readView(expiring.address)).isEmpty();
        }
    }

    @Test
    void aRottedBlockIsNotLentButQuarantined() throws IOException {
        Blocks victim = Blocks.random(random, 1000);
        Blocks neighbour = Blocks.random(random, 1000);
        try (var store = TestStores.open(dir, clock)) {
            store.addListener(listener);
            store.put(victim.address, victim.buffer(), Lease.NEVER);
            store.put(neighbour.address, neighbour.buffer(), Lease.NEVER);
            assertThat(viewBytes(store, victim)).as("mapped before the rot").isEqualTo(victim.bytes);
            Path segment = TestStores.segmentsDir(dir).resolve(Segment.fileName(1));
            TestStores.flipBit(segment, SegmentRecord.HEADER_BYTES + 500); // the victim's content, under the mapping

            assertThat(store.readView(victim.address)).isEmpty();
            assertThat(listener.removed).containsExactly("QUARANTINED " + victim.address);
            assertThat(store.contains(victim.address)).isFalse();
            assertThat(Files.list(dir.resolve("quarantine")).count()).isEqualTo(1);
            assertThat(viewBytes(store, neighbour)).isEqualTo(neighbour.bytes);
        }
    }

    @Test
    void aLentViewOutlivesCompactionOfItsSegmentAndTheMappingIsThenClosed() {
        try (var store = TestStores.open(dir, clock)) {
            List<Blocks> blocks = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                Blocks b = Blocks.random(random, 2000);
                store.put(b.address, b.buffer(), Lease.NEVER);
                blocks.add(b);
            }
            Blocks held = blocks.getFirst();
            BlockView view = store.readView(held.address).orElseThrow();
            for (int i = 1; i < blocks.size(); i++) {
                store.delete(blocks.get(i).address);
            }
            int deleted = 0;
            for (int call = 0; call < 1000 && store.compact(16 * 1024).busy(); call++) {
                deleted++;
            }
            assertThat(TestStores.segmentFiles(dir)).as("segment 1 was compacted away")
                    .noneMatch(p -> p.getFileName().toString().equals(Segment.fileName(1)));
            assertThat(bytes(view.content())).as("a held view stays readable").isEqualTo(held.bytes);
            ByteBuffer content = view.content();
            view.close();
            assertThatThrownBy(() -> content.get(0)).as("unmapped once the last reader is done")
                    .isInstanceOf(IllegalStateException.class);
            assertThat(viewBytes(store, held)).as("served from its copy").isEqualTo(held.bytes);
        }
    }

    @Test
    void readsDuringCompactionStayCorrect() throws Exception {
        List<Blocks> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var store = TestStores.open(dir, clock)) {
            List<Blocks> churn = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Blocks b = Blocks.random(random, 1500);
                store.put(b.address, b.buffer(), Lease.NEVER);
                (i % 4 == 0 ? kept : churn).add(b);
            }
            ExecutorService pool = Executors.newFixedThreadPool(3);
            AtomicBoolean stop = new AtomicBoolean();
            try {
                Future<?> deleter = pool.submit(() -> churn.forEach(b -> store.delete(b.address)));
                List<Future<?>> readers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    readers.add(pool.submit(() -> {
                        while (!stop.get()) {
                            for (Blocks b : kept) {
                                assertThat(viewBytes(store, b)).as("seed %d", SEED).isEqualTo(b.bytes);
                            }
                        }
                    }));
                }
                for (int call = 0; call < 5000 && !deleter.isDone(); call++) {
                    store.compact(16 * 1024);
                }
                deleter.get(60, TimeUnit.SECONDS);
                while (store.compact(16 * 1024).busy()) {
                    // to the end
                }
                stop.set(true);
                for (Future<?> r : readers) {
                    r.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(TestStores.segmentFiles(dir)).hasSizeLessThan(5);
        }
    }
}
