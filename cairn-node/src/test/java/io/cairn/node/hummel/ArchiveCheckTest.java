package io.cairn.node.hummel;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Hex;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A slave's check of a downloaded archive and the content copy it keeps (DECISIONS 83). */
class ArchiveCheckTest {
    @TempDir
    Path tmp;

    static String sha(byte[] b) throws Exception {
        return Hex.encode(MessageDigest.getInstance("SHA-256").digest(b));
    }

    Path gzip(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
        return p;
    }

    static byte[] text(int size) {
        byte[] words = "the quick brown fox jumps over the lazy dog ".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = words[i % words.length];
        }
        return b;
    }

    @Test
    void theRule() {
        assertThat(ArchiveCheck.worthKeeping(900_000, 1000)).as("under the probe: not judged yet").isTrue();
        assertThat(ArchiveCheck.worthKeeping(400_000, 2_000_000)).isTrue();
        assertThat(ArchiveCheck.worthKeeping(1_900_000, 2_000_000)).as("stored windows").isFalse();
    }

    @Test
    void aDeflatedArchiveKeepsItsContent() throws Exception {
        byte[] content = text(3_000_000);
        Path content1 = tmp.resolve("c1");
        ArchiveCheck.Result r = ArchiveCheck.check(gzip("a.gz", content), sha(content), content1);
        assertThat(r).isEqualTo(new ArchiveCheck.Result(true, true));
        assertThat(Files.readAllBytes(content1)).isEqualTo(content);
    }

    @Test
    void aStoredArchiveKeepsNone() throws Exception {
        byte[] content = new byte[3_000_000];
        new SplittableRandom(80).nextBytes(content); // incompressible: the archive is as large
        Path copy = tmp.resolve("c2");
        ArchiveCheck.Result r = ArchiveCheck.check(gzip("b.gz", content), sha(content), copy);
        assertThat(r).isEqualTo(new ArchiveCheck.Result(true, false));
        assertThat(copy).doesNotExist();
    }

    @Test
    void aWrongArchiveKeepsNothingAndFails() throws Exception {
        byte[] content = text(200_000);
        Path copy = tmp.resolve("c3");
        ArchiveCheck.Result r = ArchiveCheck.check(gzip("c.gz", content), sha("other".getBytes()), copy);
        assertThat(r).isEqualTo(new ArchiveCheck.Result(false, false));
        assertThat(copy).doesNotExist();
        Path notGzip = Files.write(tmp.resolve("d.gz"), content);
        assertThat(ArchiveCheck.check(notGzip, sha(content), copy).matches()).isFalse();
        assertThat(copy).doesNotExist();
    }
}
