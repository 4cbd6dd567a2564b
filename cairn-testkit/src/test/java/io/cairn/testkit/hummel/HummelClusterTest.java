package io.cairn.testkit.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.client.sync.SyncClient;
import io.cairn.client.sync.SyncReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Issue #6 on a real in-process cluster: master on node 0, slaves on the others. */
class HummelClusterTest {
    @TempDir
    Path tmp;

    static void write(Path repo, String path, byte[] content) throws IOException {
        Path p = repo.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void incrementalRebuildAndSyncApplyExactlyTheDifference() throws Exception {
        long seed = 606;
        try (HummelRig rig = new HummelRig(tmp, 3, null)) {
            write(rig.repo, "README", "hello".getBytes());
            write(rig.repo, "empty", new byte[0]);
            write(rig.repo, "a/b/c/deep.bin", random(300_000, seed));
            write(rig.repo, "ünïcødé/日本語/файл.txt", "unicode names".getBytes());
            write(rig.repo, "a/same-1", "same".getBytes());
            write(rig.repo, "a/same-2", "same".getBytes());
            write(rig.repo, "to-change", "one".getBytes());
            write(rig.repo, "to-delete", "bye".getBytes());
            Files.setPosixFilePermissions(rig.repo.resolve("README"), PosixFilePermissions.fromString("rwxr-x---"));
            JsonNode first = rig.build();
            assertThat(first.path("filesTotal").asLong()).isEqualTo(8);
            assertThat(first.path("filesRead").asLong()).isEqualTo(8);
            rig.awaitSlavesHoldAll();

            Path client = tmp.resolve("client");
            SyncReport s1 = rig.sync(client, true);
            assertThat(s1.ok()).as("%s", s1).isTrue();
            assertThat(s1.fetched() + s1.copiedLocally()).isEqualTo(8);
            assertThat(HummelRig.tree(client)).isEqualTo(HummelRig.tree(rig.repo));

            // change one (new mtime, other size), add one, delete one, rebuild
            write(rig.repo, "to-change", "two, longer".getBytes());
            Files.setLastModifiedTime(rig.repo.resolve("to-change"), FileTime.fromMillis(1_700_000_000_000L));
            write(rig.repo, "a/added", "new file".getBytes());
            Files.delete(rig.repo.resolve("to-delete"));
            JsonNode second = rig.build();
            assertThat(second.path("filesRead").asLong()).as("%s", second).isEqualTo(2);
            assertThat(second.path("filesReused").asLong()).isEqualTo(6);
            assertThat(second.path("archivesStored").asLong()).isEqualTo(2);
            assertThat(second.path("bytesTotal").asLong()).isEqualTo("two, longer".length() + "new file".length());
            rig.awaitSlavesHoldAll();

            SyncReport s2 = rig.sync(client, true);
            assertThat(s2.ok()).as("%s", s2).isTrue();
            assertThat(s2.fetched()).isEqualTo(2);
            assertThat(s2.deleted()).isEqualTo(1);
            assertThat(s2.unchanged()).isEqualTo(6);
            assertThat(s2.contentBytes()).isEqualTo("two, longer".length() + "new file".length());
            assertThat(HummelRig.tree(client)).isEqualTo(HummelRig.tree(rig.repo));

            SyncReport s3 = rig.sync(client, true);
            assertThat(s3.fetched() + s3.deleted() + s3.chmodded()).isZero();
            assertThat(s3.archiveBytes()).isZero();
            assertThat(rig.get("/hummel/status").path("clients").asLong()).isEqualTo(1);
        }
    }

    /**
     * A repository's archives must outlive any lease: the index keeps naming them however long
     * nobody rebuilds. Every block the build put into the cluster holds a lease of "never".
     */
    @Test
    void archivesInTheClusterNeverExpire() throws Exception {
        try (HummelRig rig = new HummelRig(tmp, 3, null)) {
            Files.writeString(rig.repo.resolve("small.txt"), "small");
            Files.write(rig.repo.resolve("big.bin"), new byte[3 * 1024 * 1024 + 5]);
            rig.build();
            int checked = 0;
            for (int i = 0; i < 3; i++) {
                java.net.URI node = rig.cluster.url(i);
                Map<String, String> auth = Map.of("Authorization", "Bearer " + rig.cluster.clusterKey());
                var inventory = rig.http.call("GET", node.resolve("/internal/inventory?limit=10000"), auth, null,
                        Duration.ofSeconds(20));
                assertThat(inventory.status()).isEqualTo(200);
                JsonNode addresses = io.cairn.core.Json.MAPPER.readTree(inventory.body()).path("addresses");
                if (addresses.isEmpty()) {
                    continue;
                }
                String query = "{\"addresses\":" + addresses + "}";
                var leases = rig.http.call("POST", node.resolve("/internal/leases/query"),
                        Map.of("Authorization", "Bearer " + rig.cluster.clusterKey(), "Content-Type", "application/json"),
                        query.getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ofSeconds(20));
                assertThat(leases.status()).as("%s", leases.body() == null ? "" : new String(leases.body())).isEqualTo(200);
                JsonNode byAddress = io.cairn.core.Json.MAPPER.readTree(leases.body()).path("leases");
                for (JsonNode a : addresses) {
                    assertThat(byAddress.path(a.asString()).asString()).as("lease of %s on node %d", a.asString(), i)
                            .isEqualTo("never");
                    checked++;
                }
            }
            assertThat(checked).as("archive blocks found in the cluster").isGreaterThanOrEqualTo(3 * 2);
        }
    }

    @Test
    void aDeflatedFileArrivesAsContentFromASlaveUnlessArchivesAreAsked() throws Exception {
        try (HummelRig rig = new HummelRig(tmp, 3, null)) {
            byte[] text = new byte[3_000_000];
            byte[] words = "content copies spare the client an inflate ".getBytes();
            for (int i = 0; i < text.length; i++) {
                text[i] = words[i % words.length];
            }
            write(rig.repo, "text.txt", text);
            write(rig.repo, "random.bin", random(1_000_000, 610));
            rig.build();
            rig.awaitSlavesHoldAll();
            long archive = 0;
            for (JsonNode f : rig.get("/index?path=").path("files")) {
                if (f.path("path").asString().equals("text.txt")) {
                    archive = f.path("archiveSize").asLong();
                }
            }
            assertThat(archive).isPositive().isLessThan(text.length / 10);

            // Default: the text comes as content (its size crosses the wire), the random file as
            // its archive (stored windows: about its size).
            SyncReport plain = rig.sync(tmp.resolve("plain"), false);
            assertThat(plain.ok()).as("%s", plain).isTrue();
            assertThat(plain.archiveBytes()).isBetween(text.length + 1_000_000L, text.length + 1_001_000L);
            assertThat(HummelRig.tree(tmp.resolve("plain"))).isEqualTo(HummelRig.tree(rig.repo));

            // -z: archives only.
            SyncReport z = rig.sync(SyncClient.Options.of(rig.master(), null, tmp.resolve("z"), false).withContent(false));
            assertThat(z.ok()).as("%s", z).isTrue();
            assertThat(z.archiveBytes()).isBetween(archive + 1_000_000L, archive + 1_001_000L);
            assertThat(HummelRig.tree(tmp.resolve("z"))).isEqualTo(HummelRig.tree(rig.repo));
        }
    }

    @Test
    void aSlaveDiesMidSyncAndTheClientFinishesFromAnother() throws Exception {
        long seed = 607;
        try (HummelRig rig = new HummelRig(tmp, 3, null)) {
            int files = 6;
            int size = 6 * 1024 * 1024;
            for (int i = 0; i < files; i++) {
                write(rig.repo, "big/" + i + ".bin", random(size, seed + i));
            }
            rig.build();
            rig.awaitSlavesHoldAll();
            AtomicBoolean killed = new AtomicBoolean();
            Path client = tmp.resolve("client");
            // The client reads each archive from the first slave /locate names: kill that one.
            int victim = firstLocatedSlave(rig);
            // One file at a time, no ranges: each file is one stream; the victim dies after 8 MiB.
            SyncClient.Options o = SyncClient.Options.of(rig.master(), null, client, false).withJobs(1)
                    .withRanges(Long.MAX_VALUE, SyncClient.DEFAULT_MIN_PIECE)
                    .withProgress((done, total) -> {
                        if (done > 8L * 1024 * 1024 && killed.compareAndSet(false, true)) {
                            rig.cluster.stop(victim); // synchronously: the sync resumes once it is gone
                        }
                    });
            SyncReport r = rig.sync(o);
            assertThat(killed).isTrue();
            assertThat(r.ok()).as("seed %d: %s", seed, r).isTrue();
            assertThat(r.fetched()).isEqualTo(files);
            assertThat(r.failovers()).as("seed %d: %s", seed, r).isPositive();
            assertThat(HummelRig.tree(client)).isEqualTo(HummelRig.tree(rig.repo));
            // The dead slave stops being offered.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (JsonNode s : rig.get("/hummel/status").path("slaves")) {
                    if (s.path("url").asString().equals(rig.cluster.url(victim).toString())) {
                        return s.path("state").asString().equals("silent");
                    }
                }
                return false;
            });
        }
    }

    /**
     * The cluster index of the slave that {@code POST /locate} names first for the most files.
     * The master rotates each hash's slave list, so the client starts each file on either slave;
     * killing the one that comes first for at least half of the files guarantees that some file
     * fetched after the kill has to fail over (at least 4 of the 6 are fetched after it).
     */
    private static int firstLocatedSlave(HummelRig rig) throws Exception {
        List<String> hashes = new ArrayList<>();
        rig.get("/index?path=").path("files").forEach(f -> hashes.add(f.path("hash").asString()));
        String body = io.cairn.core.Json.MAPPER.writeValueAsString(Map.of("hashes", hashes));
        java.net.http.HttpResponse<String> reply = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(rig.master().resolve("/locate"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        JsonNode located = io.cairn.core.Json.MAPPER.readTree(reply.body());
        Map<String, Integer> firsts = new HashMap<>();
        for (String h : hashes) {
            firsts.merge(located.path(h).get(0).asString(), 1, Integer::sum);
        }
        String most = firsts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        for (int i = 1; i < rig.cluster.size(); i++) {
            if (rig.cluster.url(i).toString().equals(most)) {
                return i;
            }
        }
        throw new AssertionError("/locate named no slave of this cluster: " + reply.body());
    }

    @Test
    void aQuotaSmallerThanTheRepositoryKeepsTheSmallestArchives() throws Exception {
        long seed = 608;
        long[] quotas = {0, 0, 1_500_000};
        try (HummelRig rig = new HummelRig(tmp, 3, quotas)) {
            int[] sizes = {100_000, 200_000, 400_000, 800_000, 1_600_000};
            for (int i = 0; i < sizes.length; i++) {
                write(rig.repo, "f" + i, random(sizes[i], seed + i)); // random: archive ≈ content size
            }
            rig.build();
            await("quota slave settles").atMost(HummelRig.BOUND).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonNode status = rig.get("/hummel/status");
                JsonNode full = null;
                JsonNode limited = null;
                for (JsonNode s : status.path("slaves")) {
                    if (s.path("quotaBytes").asLong() == 0) {
                        full = s;
                    } else {
                        limited = s;
                    }
                }
                return full != null && limited != null && full.path("archivesHeld").asLong() == 5
                        && limited.path("archivesHeld").asLong() == 3;
            });
            for (JsonNode s : rig.get("/hummel/status").path("slaves")) {
                if (s.path("quotaBytes").asLong() > 0) {
                    assertThat(s.path("bytesHeld").asLong()).isLessThanOrEqualTo(1_500_000);
                }
            }
            // The limited slave is not offered for the two largest; a sync still gets everything.
            SyncReport r = rig.sync(tmp.resolve("client"), false);
            assertThat(r.ok()).as("%s", r).isTrue();
            assertThat(HummelRig.tree(tmp.resolve("client"))).isEqualTo(HummelRig.tree(rig.repo));
        }
    }

    @Test
    void aFileOf256MiBInRangesFromTwoSlaves() throws Exception {
        long seed = 609;
        try (HummelRig rig = new HummelRig(tmp, 3, null)) {
            // 256 MiB of 16 KiB random blocks each repeated once (within deflate's 32 KiB window):
            // half of it compresses away, the archive (~128 MiB) is still large enough for ranges.
            Path big = rig.repo.resolve("huge/256MiB.bin");
            Files.createDirectories(big.getParent());
            SplittableRandom r = new SplittableRandom(seed);
            byte[] block = new byte[16 * 1024];
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int i = 0; i < 8192; i++) {
                    r.nextBytes(block);
                    out.write(block);
                    out.write(block);
                }
            }
            long t0 = System.nanoTime();
            JsonNode b = rig.build();
            long buildMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(b.path("bytesDone").asLong()).isEqualTo(256L * 1024 * 1024);
            rig.awaitSlavesHoldAll();
            long t1 = System.nanoTime();
            SyncReport s = rig.sync(SyncClient.Options.of(rig.master(), "huge", tmp.resolve("client"), true)
                    .withRanges(16L * 1024 * 1024, 8L * 1024 * 1024));
            long syncMs = (System.nanoTime() - t1) / 1_000_000;
            assertThat(s.ok()).as("%s", s).isTrue();
            assertThat(s.contentBytes()).isEqualTo(256L * 1024 * 1024);
            assertThat(HummelRig.tree(tmp.resolve("client"))).isEqualTo(HummelRig.tree(rig.repo));
            System.out.printf("256 MiB: build %d ms, sync %d ms (archive %d bytes)%n", buildMs, syncMs, s.archiveBytes());
        }
    }
}
