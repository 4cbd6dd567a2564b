package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #5: forEachLease lists ended-but-unreclaimed blocks too, which the node's lease keeper needs. */
class ForEachLeaseTest {
    @Test
    void listsEveryHeldBlockWithItsLeaseIncludingEndedOnesUntilExpired(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        ManualClock clock = new ManualClock(t0);
        try (SegmentBlockStore store = TestStores.open(dir, clock)) {
            Blocks shortLived = Blocks.of("ends after an hour");
            Blocks longLived = Blocks.of("ends after a day");
            store.put(shortLived.address, shortLived.buffer(), Lease.until(t0.plus(Duration.ofHours(1))));
            store.put(longLived.address, longLived.buffer(), Lease.until(t0.plus(Duration.ofDays(1))));
            clock.advance(Duration.ofHours(2));
            assertThat(store.contains(shortLived.address)).isFalse();

            Map<Address, Lease> seen = new HashMap<>();
            store.forEachLease(seen::put);
            assertThat(seen).containsEntry(shortLived.address, Lease.until(t0.plus(Duration.ofHours(1))))
                    .containsEntry(longLived.address, Lease.until(t0.plus(Duration.ofDays(1)))).hasSize(2);

            // an ended block comes back by a put of its bytes with a longer lease (the keeper's revival)
            store.put(shortLived.address, shortLived.buffer(), Lease.until(t0.plus(Duration.ofDays(2))));
            assertThat(store.contains(shortLived.address)).isTrue();

            clock.advance(Duration.ofDays(1));
            assertThat(store.expire(clock.now())).isEqualTo(1);
            seen.clear();
            store.forEachLease(seen::put);
            assertThat(seen).containsOnlyKeys(shortLived.address);
        }
    }
}
