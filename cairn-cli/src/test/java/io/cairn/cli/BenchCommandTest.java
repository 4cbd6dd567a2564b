package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.bench.LatencyHistogram;
import io.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code cairn bench} against three real nodes in this JVM, with small counts. */
class BenchCommandTest extends ThreeNodeSuite {
    @Test
    void putPrintsATableAndExitsZero() {
        Cli r = Cli.run("bench", "put", "--node", node, "--cluster-key-file", keyFile.toString(),
                "--count", "40", "-c", "4", "--duration", "20s", "--size", "4KiB");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("cairn bench put", "ops/s", "MB/s", "p50 ms", "p99 ms", "max ms", "3 storage nodes");
        assertThat(r.stdout().lines().toList().getLast().trim()).startsWith("40 ").contains(" 0 ");
    }

    @Test
    void getAndMixedPrintJsonWithEveryField() throws IOException {
        Path export = dir.resolve("export");
        Cli get = Cli.run("bench", "get", "--node", node, "--cluster-key-file", keyFile.toString(), "--count", "60",
                "-c", "8", "--blocks", "10", "--seed", "5", "--size", "8KiB", "--export", export.toString(), "--json");
        assertThat(get.exit()).as(get.toString()).isZero();
        var j = Json.MAPPER.readTree(get.stdout());
        for (String field : new String[] {"mode", "ops", "errors", "seconds", "opsPerSecond", "mbPerSecond", "size",
                "concurrency", "seed", "latencyMs"}) {
            assertThat(j.has(field)).as(field).isTrue();
        }
        assertThat(j.get("mode").asText()).isEqualTo("get");
        assertThat(j.get("ops").asLong()).isEqualTo(60);
        assertThat(j.get("errors").asLong()).isZero();
        assertThat(j.get("bytes").asLong()).isEqualTo(60L * 8192);
        var lat = j.get("latencyMs");
        assertThat(lat.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(lat.get("p99").asDouble());
        assertThat(lat.get("p99").asDouble()).isLessThanOrEqualTo(lat.get("max").asDouble());
        assertThat(Files.readAllLines(export.resolve("paths.txt"))).hasSize(10).allMatch(p -> p.matches("/blocks/[0-9a-f]{64}"));
        try (var files = Files.list(export.resolve("blocks"))) {
            assertThat(files.count()).isEqualTo(10);
        }

        Cli mixed = Cli.run("bench", "mixed", "--node", node, "--cluster-key-file", keyFile.toString(), "--count", "30",
                "-c", "3", "--blocks", "5", "--size", "2KiB", "--rate", "200", "--json");
        assertThat(mixed.exit()).as(mixed.toString()).isZero();
        var m = Json.MAPPER.readTree(mixed.stdout());
        assertThat(m.get("ops").asLong()).isEqualTo(30);
        // open loop: the generator's own lateness is reported, and it is part of every latency
        var lag = m.get("startLagMs");
        assertThat(lag).as("startLagMs in an open-loop run").isNotNull();
        assertThat(lag.get("p50").asDouble()).isNotNegative().isLessThanOrEqualTo(lag.get("p99").asDouble());
        assertThat(lag.get("max").asDouble()).isLessThanOrEqualTo(m.get("latencyMs").get("max").asDouble());
        assertThat(j.has("startLagMs")).as("no start lag in a closed-loop run").isFalse();
    }

    @Test
    void getOverTheBlockingTransportVerifiesEveryBlockOpenAndClosedLoop() throws IOException {
        Cli closed = Cli.run("bench", "get", "--node", node, "--cluster-key-file", keyFile.toString(), "--count", "50",
                "-c", "4", "--blocks", "8", "--seed", "11", "--size", "16KiB", "--http", "blocking", "--json");
        assertThat(closed.exit()).as(closed.toString()).isZero();
        var c = Json.MAPPER.readTree(closed.stdout());
        assertThat(c.get("ops").asLong()).isEqualTo(50);
        assertThat(c.get("errors").asLong()).isZero();
        assertThat(c.get("bytes").asLong()).isEqualTo(50L * 16384);

        Cli open = Cli.run("bench", "get", "--node", node, "--cluster-key-file", keyFile.toString(), "--count", "40",
                "-c", "4", "--blocks", "8", "--seed", "11", "--size", "16KiB", "--no-prepare", "--rate", "400",
                "--http", "blocking", "--json");
        assertThat(open.exit()).as(open.toString()).isZero();
        var o = Json.MAPPER.readTree(open.stdout());
        assertThat(o.get("ops").asLong()).isEqualTo(40);
        assertThat(o.get("errors").asLong()).isZero();
        assertThat(o.get("startLagMs")).isNotNull();
    }

    @Test
    void getOverTheBlockingTransportCountsMissingBlocksAsErrors() throws IOException {
        // --no-prepare with a seed nobody wrote: every GET finds nothing, and says so
        Cli r = Cli.run("bench", "get", "--node", node, "--cluster-key-file", keyFile.toString(), "--count", "6",
                "-c", "2", "--blocks", "3", "--seed", "424242", "--size", "1KiB", "--no-prepare", "--http", "blocking", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        var j = Json.MAPPER.readTree(r.stdout());
        assertThat(j.get("errors").asLong()).isEqualTo(6);
        assertThat(j.get("ops").asLong()).isZero();
        assertThat(j.get("firstError").asText()).contains("not found on any of 3 nodes");
        assertThat(r.stderr()).startsWith("cairn: 6 of 6 operations failed");
    }

    @Test
    void driveStoreSendsBsonChunksToEveryNodeInTurn() {
        Cli r = Cli.run("bench", "drive-store", "--node", node, "--cluster-key-file", keyFile.toString(),
                "--count", "30", "-c", "3", "--duration", "20s", "--size", "4KiB", "--seed", "9", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        var j = Json.MAPPER.readTree(r.stdout());
        assertThat(j.get("mode").asText()).isEqualTo("drive-store");
        assertThat(j.get("ops").asLong()).isEqualTo(30);
        assertThat(j.get("errors").asLong()).isZero();
        assertThat(j.get("nodes").asInt()).isEqualTo(3);
        assertThat(j.get("bytes").asLong()).isEqualTo(30L * 4096);
    }

    @Test
    void theDurationBoundsARun() {
        Cli r = Cli.run("bench", "put", "--node", node, "--cluster-key-file", keyFile.toString(),
                "--count", "100000000", "-c", "2", "--duration", "1s", "--size", "1KiB", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        var j = Json.MAPPER.readTree(r.stdout());
        assertThat(j.get("seconds").asDouble()).isLessThan(10);
        assertThat(j.get("ops").asLong()).isPositive().isLessThan(100_000_000);
    }

    @Test
    void badFlagsExitTwo() {
        String[][] bad = {
            {"bench", "sideways", "--node", node},
            {"bench", "put", "--node", node, "--count", "0"},
            {"bench", "put", "--node", node, "--concurrency", "0"},
            {"bench", "put", "--node", node, "--size", "5MiB"},
            {"bench", "put", "--node", node, "--duration", "5"},
            {"bench", "put", "--node", node, "--rate", "-1"},
            {"bench", "put", "--node", node, "--plain"},
            {"bench", "get", "--node", node, "--http", "curl"},
            {"bench", "put", "--node", node, "--http", "blocking"},
            {"bench", "mixed", "--node", node, "--http", "blocking"},
            {"bench", "put", "--node", node, "--frobnicate"},
        };
        for (String[] args : bad) {
            Cli r = Cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
        }
    }

    @Test
    void anUnreachableClusterIsExitOne() {
        Cli r = Cli.run("bench", "put", "--node", "http://127.0.0.1:1", "--count", "5", "--duration", "5s");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("cairn: ");
    }

    @Test
    void histogramPercentilesAreWithinTwoPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat(h.maxMicros()).isEqualTo(100_000);
        assertThat((double) h.percentileMicros(50)).isCloseTo(50_000, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat((double) h.percentileMicros(99)).isCloseTo(99_000, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(h.percentileMicros(100)).isEqualTo(100_000);
        assertThat(new LatencyHistogram().percentileMicros(99)).isZero();
    }
}
