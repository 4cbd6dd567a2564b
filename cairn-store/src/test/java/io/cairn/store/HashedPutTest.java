package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.HashedBlock;
import io.cairn.core.Lease;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BlockStore#put(HashedBlock, Lease)}: the put for bytes this process hashed (issue #5). */
class HashedPutTest {
    private static final long SEED = 5_2026;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Random random = new Random(SEED);
    private SegmentBlockStore store;

    @BeforeEach
    void open() {
        store = TestStores.open(dir, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Lease inDays(int days) {
        return Lease.until(clock.now().plus(Duration.ofDays(days)));
    }

    @Test
    void storesDurablyUnderTheComputedAddressAndSurvivesAReopen() {
        Blocks b = Blocks.random(random, 64 * 1024);
        HashedBlock hashed = HashedBlock.of(b.buffer());
        assertThat(hashed.address()).isEqualTo(b.address);
        assertThat(store.put(hashed, inDays(30))).isEqualTo(BlockStore.PutOutcome.CREATED);
        store.close();
        store = TestStores.open(dir, clock);
        assertThat(b.readFrom(store)).isEqualTo(b.bytes);
        assertThat(store.scrub(Long.MAX_VALUE).corruptFound()).isZero();
    }

    @Test
    void aRePutMergesLeasesLikeAnyPut() {
        Blocks b = Blocks.random(random, 4096);
        assertThat(store.put(b.address, b.buffer(), inDays(1))).isEqualTo(BlockStore.PutOutcome.CREATED);
        assertThat(store.put(HashedBlock.of(b.buffer()), inDays(30))).isEqualTo(BlockStore.PutOutcome.EXISTED);
        assertThat(store.lease(b.address)).contains(inDays(30));
    }

    @Test
    void theSizeIsStillChecked() {
        HashedBlock tooBig = HashedBlock.of(ByteBuffer.allocate(SegmentRecord.MAX_CONTENT_BYTES + 1));
        assertThatThrownBy(() -> store.put(tooBig, inDays(1)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThat(store.blockCount()).isZero();
    }

    /** What arrives with a claimed address goes through the checking put, which still refuses a mismatch. */
    @Test
    void aClaimedAddressIsStillVerified() {
        Blocks b = Blocks.random(random, 1000);
        Blocks other = Blocks.random(random, 1000);
        assertThatThrownBy(() -> store.put(other.address, b.buffer(), inDays(1)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
        assertThat(store.contains(other.address)).isFalse();
    }
}
