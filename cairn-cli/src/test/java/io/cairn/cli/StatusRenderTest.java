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
                + "\"overReplicated\":1,\"unavailable\":0,\"healthyCopies\":[0,3,9,1188],\"repairQueue\":9,\"repairsInFlight\":3,"
                + "\"repairState\":\"repairing\",\"blockedBecause\":null,\"repairRateBytesPerSecond\":67108864,"
                + "\"copiesDone\":40,\"copyBytes\":2621440,\"copyFailures\":0,\"trimsDone\":2,"
                + "\"lastPass\":{\"atEpochMillis\":0,\"durationMillis\":3},"
                + "\"nodes\":[{\"id\":\"" + id + "\",\"url\":\"http://127.0.0.1:7070\",\"state\":\"dead\","
                + "\"registered\":true,\"inventory\":\"complete\",\"holdings\":700,\"failures\":3,\"lastOkEpochMillis\":1000}]}";
        String text = StatusCommand.render(URI.create("http://127.0.0.1:7070"), Json.MAPPER.readTree(json),
                java.util.List.of(), Instant.ofEpochMilli(1000).plus(Duration.ofSeconds(30)), false);
        assertThat(text).startsWith("DEGRADED  12 blocks have fewer than 3 healthy copies\n")
                .contains("healthy copies  3+: 1,188  2: 9  1: 3  0: 0").doesNotContain("\u001b[").contains("distribute service abababababab at http://127.0.0.1:7070 (distribute-v1, N=3)")
                .contains("repair: repairing (9 queued, 3 in flight); rate limit 64 MiB/s")
                .contains("blocks tracked 1,200").contains("under-replicated 12")
                .contains("repaired 40 copies (2.5 MiB)")
                .containsPattern("abababababab\\s+http://127.0.0.1:7070\\s+dead\\s+complete\\s+700\\s+3\\s+\\?\\s+30s ago");
        String coloured = StatusCommand.render(URI.create("http://127.0.0.1:7070"), Json.MAPPER.readTree(json),
                java.util.List.of(), Instant.ofEpochMilli(31_000), true);
        assertThat(coloured).startsWith("\u001b[1;33mDEGRADED\u001b[0m").contains("\u001b[1;31mdead\u001b[0m");
        assertThat(StatusCommand.Verdict.of(Json.MAPPER.readTree(json)).exitCode()).isEqualTo(1);
    }

    @Test
    void verdictAndExitCodeFromTheHistogram() {
        assertThat(verdict("[0,0,0,6]")).isEqualTo(new StatusCommand.Verdict("healthy", 0, "all 6 blocks have 3 healthy copies"));
        assertThat(verdict("[0,0,0,5]").reason()).isEqualTo("all 5 blocks have 3 healthy copies (1 newer not counted yet)");
        assertThat(verdict("[0,0,1,5]").exitCode()).isEqualTo(1);
        assertThat(verdict("[2,0,1,5]")).isEqualTo(new StatusCommand.Verdict("critical", 2,
                "2 blocks have no healthy copy, 1 fewer than 3"));
        assertThat(verdict("null").exitCode()).as("not measured yet, blocks tracked").isEqualTo(1);
    }

    private static StatusCommand.Verdict verdict(String histogram) {
        return StatusCommand.Verdict.of(Json.MAPPER.readTree("{\"blocksTracked\":6,\"blockedBecause\":null,"
                + "\"healthyCopies\":" + histogram + "}"));
    }
}
