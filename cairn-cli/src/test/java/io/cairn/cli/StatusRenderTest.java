package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusRenderTest {
    @Test
    void rendersTheStatusReadably() {
        String id = "ab".repeat(32);
        String json = "{\"protocol\":\"distribute-v1\",\"serviceId\":\"" + id + "\",\"replication\":3,"
                + "\"blocksTracked\":1200,\"replicasTracked\":3500,\"underReplicated\":12,\"misplaced\":0,"
                + "\"overReplicated\":1,\"unavailable\":0,\"repairQueue\":9,\"repairsInFlight\":3,"
                + "\"repairState\":\"repairing\",\"blockedBecause\":null,\"repairRateBytesPerSecond\":67108864,"
                + "\"copiesDone\":40,\"copyBytes\":2621440,\"copyFailures\":0,\"trimsDone\":2,"
                + "\"lastPass\":{\"atEpochMillis\":0,\"durationMillis\":3},"
                + "\"nodes\":[{\"id\":\"" + id + "\",\"url\":\"http://127.0.0.1:7070\",\"state\":\"dead\","
                + "\"registered\":true,\"inventory\":\"complete\",\"holdings\":700,\"failures\":3,\"lastOkEpochMillis\":1000}]}";
        String text = StatusCommand.render(URI.create("http://127.0.0.1:7070"), Json.MAPPER.readTree(json),
                Instant.ofEpochMilli(1000).plus(Duration.ofSeconds(30)));
        assertThat(text).contains("distribute service abababababab at http://127.0.0.1:7070 (distribute-v1, N=3)")
                .contains("repair: repairing (9 queued, 3 in flight); rate limit 64 MiB/s")
                .contains("blocks tracked 1,200").contains("under-replicated 12")
                .contains("repaired 40 copies (2.5 MiB)")
                .containsPattern("abababababab\\s+http://127.0.0.1:7070\\s+dead\\s+complete\\s+700\\s+3\\s+30s ago");
    }
}
