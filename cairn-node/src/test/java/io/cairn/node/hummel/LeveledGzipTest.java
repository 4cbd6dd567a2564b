package io.cairn.node.hummel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives as a build writes them: valid gzip, random data stored from its first window on. */
class LeveledGzipTest {
    @TempDir
    Path tmp;

    static byte[] gzip(byte[] content, int writeBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LeveledGzip gz = new LeveledGzip(out, 6)) {
            for (int off = 0; off < content.length; off += writeBytes) {
                gz.write(content, off, Math.min(writeBytes, content.length - off));
            }
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
    }

    static byte[] random(long seed, int bytes) {
        byte[] b = new byte[bytes];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void aSmallRandomFileIsStoredAfterItsFirstWindow() throws IOException {
        long seed = 85;
        byte[] content = random(seed, 400 * 1024);
        for (int writeBytes : new int[] {1000, 256 * 1024, content.length}) {
            byte[] gz = gzip(content, writeBytes);
            assertThat(gunzip(gz)).as("seed %d", seed).isEqualTo(content);
            assertThat((long) gz.length).as("seed %d, writes of %d", seed, writeBytes)
                    .isBetween((long) content.length, content.length + content.length / 500L);
        }
    }

    @Test
    void textStaysCompressedAndTextAfterRandomIsCompressedAgain() throws IOException {
        long seed = 86;
        byte[] text = "the quick brown fox jumps over the lazy dog. ".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        byte[] gzText = gzip(text, 256 * 1024);
        assertThat(gunzip(gzText)).isEqualTo(text);
        assertThat(gzText.length).isLessThan(text.length / 50);

        ByteArrayOutputStream mixed = new ByteArrayOutputStream();
        mixed.write(random(seed, 3 * 1024 * 1024));
        mixed.write(text);
        byte[] content = mixed.toByteArray();
        byte[] gz = gzip(content, 256 * 1024);
        assertThat(gunzip(gz)).as("seed %d", seed).isEqualTo(content);
        assertThat(gz.length).as("seed %d", seed).isLessThan(3 * 1024 * 1024 + text.length / 4);
    }

    @Test
    void emptyAndTinyContentsAreValidGzip() throws IOException {
        for (byte[] content : new byte[][] {new byte[0], {42}, random(87, StoredWindows.WINDOW_BYTES)}) {
            assertThat(gunzip(gzip(content, 7))).isEqualTo(content);
        }
    }

    @Test
    void anArchiveBufferKeepsSmallArchivesInMemoryAndSpillsLargeOnes() throws IOException {
        byte[] content = random(88, 300 * 1024);
        for (long memory : new long[] {1024 * 1024, 100 * 1024}) {
            ArchiveBuffer b = new ArchiveBuffer(tmp, memory);
            try (b) {
                b.write(content, 0, 1000);
                b.write(content[1000]);
                b.write(content, 1001, content.length - 1001);
            }
            assertThat(b.size()).isEqualTo(content.length);
            assertThat(b.spilled()).isEqualTo(memory < content.length);
            try (var in = b.open()) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            b.delete();
            assertThat(tmp).isEmptyDirectory();
        }
    }
}
