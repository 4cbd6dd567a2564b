package io.cairn.node.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Lease;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.node.CairnNode;
import io.cairn.node.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5 leases on one node (replication 1), manual clock: store gives the configured lease,
 * a read on day 29 extends it to day 59, an unread chunk stops being served at day 30 and its
 * space is reclaimed once the grace has passed.
 */
class SingleNodeLeaseTest {
    private static final Instant DAY0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final DriveCodec CODEC = new DriveCodec();

    @Test
    void readOnDay29LivesToDay59AndUnreadIsReclaimedAfterDay30(@TempDir Path dir) {
        ManualClock clock = new ManualClock(DAY0);
        DriveSettings drive = DriveSettings.DEFAULTS.withMaintenance(Duration.ZERO, Duration.ofDays(1), Duration.ofHours(12));
        try (CairnNode node = CairnNode.startWithClock(DriveNodes.single(dir, drive), clock)) {
            Address read = store(node, "read on day 29");
            Address unread = store(node, "never read");
            assertThat(node.store().lease(unread)).hasValue(Lease.until(DAY0.plus(Duration.ofDays(30))));

            clock.advance(Duration.ofDays(29));
            assertThat(DriveNodes.retrieve(node.url(), CODEC.encodeRetrieveRequest(read)).statusCode()).isEqualTo(200);
            assertThat(node.store().lease(read)).hasValue(Lease.until(DAY0.plus(Duration.ofDays(59))));

            clock.advance(Duration.ofDays(1).plusSeconds(1)); // day 30 + 1 s
            assertThat(DriveNodes.retrieve(node.url(), CODEC.encodeRetrieveRequest(unread)).statusCode()).isEqualTo(404);
            assertThat(node.apiDrive().runLeaseKeeper().reclaimed()).as("within the grace: kept on disk").isZero();

            clock.advance(Duration.ofHours(12));
            LeaseKeeper.Round round = node.apiDrive().runLeaseKeeper();
            assertThat(round.reclaimed()).isEqualTo(1);
            assertThat(node.store().blockCount()).isEqualTo(1);

            clock.advance(Duration.ofDays(28).minusSeconds(2)); // day 58.5 - 1 s
            assertThat(node.store().contains(read)).isTrue();
            clock.advance(Duration.ofDays(1)); // day 59.5
            assertThat(node.store().contains(read)).isFalse();
        }
    }

    private static Address store(CairnNode node, String text) {
        var r = DriveNodes.store(node.url(), CODEC.encodeStoreRequest(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(200);
        return CODEC.decodeStoreResponse(r.body());
    }
}
