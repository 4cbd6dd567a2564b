package io.cairn.node.hummel;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Hex;
import io.cairn.core.hummel.IndexEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's rules without a cluster: archives go to a map. */
class RepoBuilderTest {
    @TempDir
    Path tmp;
    Path repo;
    Map<Address, byte[]> stored = new ConcurrentHashMap<>();
    AtomicInteger puts = new AtomicInteger();
    RepoBuilder builder;

    @BeforeEach
    void setUp() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        builder = new RepoBuilder(repo, tmp.resolve("work"), (gz, bytes) -> {
            byte[] b = gz.readAllBytes();
            assertThat((long) b.length).isEqualTo(bytes);
            Address a = Address.of(b);
            stored.put(a, b);
            puts.incrementAndGet();
            return a;
        }, 2, 6);
    }

    MasterStore.State build(MasterStore.State prev, BuildProgress p) throws Exception {
        return builder.build(prev, p);
    }

    static BuildProgress progress() {
        return new BuildProgress("t", 0);
    }

    void write(String path, String content) throws IOException {
        Path p = repo.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void indexesNestedUnicodeAndEmptyFilesWithVerifiableArchives() throws Exception {
        write("a.txt", "alpha");
        write("dir/sub/été 日本.txt", "unicode");
        write("empty", "");
        write("dup/one", "same");
        write("dup/two", "same");
        MasterStore.State s = build(MasterStore.State.EMPTY, progress());
        assertThat(s.index().version()).isEqualTo(1);
        assertThat(s.index().files()).extracting(IndexEntry::path)
                .containsExactly("a.txt", "dir/sub/été 日本.txt", "dup/one", "dup/two", "empty");
        assertThat(puts.get()).as("same content is archived once").isEqualTo(4);
        for (IndexEntry e : s.index().files()) {
            byte[] gz = stored.get(s.archives().get(e.hash()));
            byte[] content = new GZIPInputStream(new java.io.ByteArrayInputStream(gz)).readAllBytes();
            assertThat(Hex.encode(MessageDigest.getInstance("SHA-256").digest(content))).isEqualTo(e.hash());
            assertThat(e.archiveSize()).isEqualTo(gz.length);
            assertThat(e.mtime()).isEqualTo(Files.getLastModifiedTime(repo.resolve(e.path())).toMillis());
        }
    }

    @Test
    void rebuildReadsOnlyWhatChanged() throws Exception {
        write("keep", "k");
        write("change", "c1");
        write("remove", "r");
        MasterStore.State first = build(MasterStore.State.EMPTY, progress());
        write("change", "c2 longer");
        write("add", "new");
        Files.delete(repo.resolve("remove"));
        BuildProgress p = progress();
        MasterStore.State second = build(first, p);
        assertThat(p.filesRead.get()).isEqualTo(2);
        assertThat(p.filesReused.get()).isEqualTo(1);
        assertThat(p.bytesTotal).isEqualTo("c2 longer".length() + "new".length());
        assertThat(second.index().files()).extracting(IndexEntry::path).containsExactly("add", "change", "keep");
        assertThat(second.archives()).hasSize(3);
        assertThat(second.index().version()).isEqualTo(2);
    }

    @Test
    void symlinksAndSpecialFilesAreSkippedNeverFollowed() throws Exception {
        Path outside = Files.writeString(tmp.resolve("secret"), "outside the repository");
        write("real", "r");
        Files.createSymbolicLink(repo.resolve("out-link"), outside);
        Files.createSymbolicLink(repo.resolve("in-link"), repo.resolve("real"));
        Files.createDirectories(tmp.resolve("outdir"));
        Files.writeString(tmp.resolve("outdir/x"), "x");
        Files.createSymbolicLink(repo.resolve("dir-link"), tmp.resolve("outdir"));
        Process mk = new ProcessBuilder("mkfifo", repo.resolve("fifo").toString()).start();
        assertThat(mk.waitFor()).isZero();
        BuildProgress p = progress();
        MasterStore.State s = build(MasterStore.State.EMPTY, p);
        assertThat(s.index().files()).extracting(IndexEntry::path).containsExactly("real");
        assertThat(p.skipped()).extracting(BuildProgress.Note::path, BuildProgress.Note::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("out-link", "symlink"),
                        org.assertj.core.groups.Tuple.tuple("in-link", "symlink"),
                        org.assertj.core.groups.Tuple.tuple("dir-link", "symlink"),
                        org.assertj.core.groups.Tuple.tuple("fifo", "special file"));
    }

    @Test
    void vanishedFileIsLeftOut() throws Exception {
        write("stays", "s");
        write("goes", "g");
        builder.beforeRead = (file, attempt) -> {
            if (file.endsWith("goes")) {
                Files.delete(file);
            }
        };
        BuildProgress p = progress();
        MasterStore.State s = build(MasterStore.State.EMPTY, p);
        assertThat(s.index().files()).extracting(IndexEntry::path).containsExactly("stays");
        assertThat(p.errors()).extracting(BuildProgress.Note::reason).containsExactly("vanished");
    }

    @Test
    void fileChangingOnEveryReadKeepsItsPreviousEntry() throws Exception {
        write("busy", "v1");
        MasterStore.State first = build(MasterStore.State.EMPTY, progress());
        write("busy", "v2");
        // Same size as v1, and possibly the same millisecond (or the same coarse clock tick of the
        // file system): move the mtime on, so the build sees a changed file and reads it.
        Path busy = repo.resolve("busy");
        Files.setLastModifiedTime(busy, FileTime.fromMillis(Files.getLastModifiedTime(busy).toMillis() + 2_000));
        write("fresh-busy", "n");
        // A writer that appends between the build's stat and its read, every time.
        builder.beforeRead = (file, attempt) -> Files.writeString(file, "more", StandardOpenOption.APPEND);
        BuildProgress p = progress();
        MasterStore.State s = build(first, p);
        assertThat(s.index().byPath().get("busy")).isEqualTo(first.index().byPath().get("busy"));
        assertThat(s.index().byPath()).doesNotContainKey("fresh-busy");
        assertThat(p.errors()).extracting(BuildProgress.Note::path).containsExactlyInAnyOrder("busy", "fresh-busy");
        assertThat(p.errors().getFirst().reason()).startsWith("changed while read");
    }

    @Test
    void unreadableFileIsLeftOutAndTheBuildCompletes() throws Exception {
        write("ok", "fine");
        write("locked", "no");
        builder.beforeRead = (file, attempt) -> {
            if (file.endsWith("locked")) {
                throw new AccessDeniedException(file.toString());
            }
        };
        BuildProgress p = progress();
        MasterStore.State s = build(MasterStore.State.EMPTY, p);
        assertThat(s.index().files()).extracting(IndexEntry::path).containsExactly("ok");
        assertThat(p.errors()).singleElement().satisfies(n -> assertThat(n.reason()).startsWith("unreadable"));
    }

    @Test
    void aSinkFailureFailsTheBuild() {
        RepoBuilder failing = new RepoBuilder(repo, tmp.resolve("work"), (gz, bytes) -> {
            throw new IOException("cluster unavailable");
        }, 2, 6);
        try {
            write("f", "x");
            failing.build(MasterStore.State.EMPTY, progress());
            org.assertj.core.api.Assertions.fail("expected a failure");
        } catch (Exception e) {
            assertThat(e).hasMessageContaining("cluster unavailable");
        }
    }

    @Test
    void stateSurvivesAReloadAndADamagedFileStopsTheStart() throws Exception {
        write("a", "a");
        MasterStore store = new MasterStore(tmp.resolve("data"));
        store.load();
        MasterStore.State s = build(MasterStore.State.EMPTY, progress());
        store.save(s);
        assertThat(new MasterStore(tmp.resolve("data")).load()).isEqualTo(s);
        Files.writeString(store.dir().resolve(MasterStore.FILE), "{\"format\":1,\"index\":", StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MasterStore(tmp.resolve("data")).load())
                .hasMessageContaining("damaged");
        assertThat(List.of(s.index().files().size())).containsExactly(1);
    }

    @Test
    void incompressibleDataIsStoredAndCompressibleDataAfterItIsStillCompressed() throws Exception {
        long seed = 610;
        byte[] random = new byte[6 * 1024 * 1024];
        new java.util.SplittableRandom(seed).nextBytes(random);
        byte[] text = "the quick brown fox jumps over the lazy dog. ".repeat(300_000).getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream mixed = new java.io.ByteArrayOutputStream();
        mixed.write(random);
        mixed.write(text);
        Files.write(repo.resolve("random"), random);
        Files.write(repo.resolve("mixed"), mixed.toByteArray());
        MasterStore.State s = build(MasterStore.State.EMPTY, progress());
        IndexEntry r = s.index().byPath().get("random");
        IndexEntry m = s.index().byPath().get("mixed");
        assertThat(r.archiveSize()).as("seed %d", seed).isBetween((long) random.length, random.length + random.length / 500L);
        assertThat(m.archiveSize()).as("seed %d: the text after the random part is compressed", seed)
                .isLessThan(random.length + text.length / 4L);
        for (IndexEntry e : List.of(r, m)) {
            byte[] content = new GZIPInputStream(new java.io.ByteArrayInputStream(stored.get(s.archives().get(e.hash()))))
                    .readAllBytes();
            assertThat(Hex.encode(MessageDigest.getInstance("SHA-256").digest(content))).isEqualTo(e.hash());
        }
    }
}
