package io.cairn.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResidencyCacheTest {
    private static final Address A = Address.of("a".getBytes());
    private static final Address B = Address.of("b".getBytes());

    @Test
    void aResidentVerdictIsReusedUntilItsDeadlineThenAskedAgain() {
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean resident = new AtomicBoolean(true);
        ResidencyCache cache = new ResidencyCache(16, 1_000, a -> {
            asked.incrementAndGet();
            return resident.get();
        });
        assertThat(cache.isResident(A, 0)).isTrue();
        assertThat(cache.isResident(A, 999)).isTrue();
        assertThat(asked).hasValue(1);
        resident.set(false);
        assertThat(cache.isResident(A, 1_000)).as("deadline passed: asked again").isFalse();
        assertThat(cache.isResident(A, 1_001)).as("cold verdicts are not cached").isFalse();
        assertThat(asked).hasValue(3);
    }

    @Test
    void anotherBlockIsAskedForItself() {
        ResidencyCache cache = new ResidencyCache(1, 1_000_000, a -> a.equals(A));
        assertThat(cache.isResident(A, 0)).isTrue();
        assertThat(cache.isResident(B, 1)).isFalse();
        assertThat(cache.isResident(A, 2)).isTrue();
    }
}
