package io.cairn.node.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.apidrive.DriveCodec;
import io.cairn.node.CairnNode;
import io.cairn.node.ManualClock;
import io.cairn.node.TestNodes;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5: per client IP, a token bucket on chunks stored per period; over it a 429 with
 * Retry-After, at the configured rate and not before; retrieve has its own, larger limit; keyed
 * (cluster-internal) calls are exempt. Time is a manual clock, so refills happen exactly when told.
 */
class DriveRateLimitTest {
    private static final DriveCodec CODEC = new DriveCodec();

    @Test
    void storesPassUpToTheLimitThen429WithRetryAfterUntilRefill(@TempDir Path dir) {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        // 5 chunks per 10 s: the bucket holds 5 and gains one every 2 s
        DriveSettings drive = DriveSettings.DEFAULTS.withLimits(5, 8, Duration.ofSeconds(10));
        try (CairnNode node = CairnNode.startWithClock(DriveNodes.single(dir, drive), clock)) {
            for (int i = 0; i < 5; i++) {
                assertThat(store(node, "chunk " + i).statusCode()).as("store %d of the burst", i).isEqualTo(200);
            }
            HttpResponse<byte[]> limited = store(node, "chunk 5");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).hasValue("2");
            assertThat(node.store().blockCount()).isEqualTo(5);

            clock.advance(Duration.ofMillis(1_999));
            assertThat(store(node, "chunk 5").statusCode()).as("1.999 s later: not yet").isEqualTo(429);
            clock.advance(Duration.ofMillis(1));
            assertThat(store(node, "chunk 5").statusCode()).as("2 s later: one token").isEqualTo(200);
            assertThat(store(node, "chunk 6").statusCode()).isEqualTo(429);

            // cluster-internal calls carry the key and are not counted
            HttpResponse<byte[]> keyed = DriveNodes.post(node.url(), "/api/drive/store",
                    CODEC.encodeStoreRequest("keyed".getBytes(StandardCharsets.UTF_8)), TestNodes.KEY);
            assertThat(keyed.statusCode()).isEqualTo(200);

            // retrieve has its own bucket, untouched by the stores: 8 then 429
            byte[] ask = CODEC.encodeRetrieveRequest(CODEC.decodeStoreResponse(keyed.body()));
            for (int i = 0; i < 8; i++) {
                assertThat(DriveNodes.retrieve(node.url(), ask).statusCode()).as("retrieve %d", i).isEqualTo(200);
            }
            HttpResponse<byte[]> r = DriveNodes.retrieve(node.url(), ask);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValueAsLong("retry-after").orElseThrow()).isEqualTo(2L); // 10 s / 8, rounded up
        }
    }

    private static HttpResponse<byte[]> store(CairnNode node, String text) {
        return DriveNodes.store(node.url(), CODEC.encodeStoreRequest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
