package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    /** byte i = i mod 251, 3000 bytes: not a multiple of the chunk size, no repeated chunk. */
    static byte[] goldenInput() {
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    // Computed outside cairn when this test was written (python3 hashlib and sha256sum on the
    // hand-written JSON), so a change in chunking or in the manifest's bytes shows up here.
    static final String GOLDEN_MANIFEST = "{\"size\":3000,"
            + "\"sha256\":\"e8ca4bf83f56152c01649f88bd7c91b15ae8137d9a709572e04fae55894ea75e\",\"chunkSize\":1024,"
            + "\"chunks\":[{\"Id\":\"2bce1ba628720664be4b9fdd77aae0678e5f0f3f02fc6ff641ec879094f6a404\",\"Order\":0,\"Size\":1024},"
            + "{\"Id\":\"50df58ae70fe40f3bd0234e1aa86f95dfaba1e118d4db5fd4b682ca2b61004d5\",\"Order\":1,\"Size\":1024},"
            + "{\"Id\":\"11cc14e78cf4e2c0473954a3180416eae7b29f64aa0b33a98dd8183217d72468\",\"Order\":2,\"Size\":952}]}";
    static final String GOLDEN_ADDRESS = "ceed2d00ffe2951f267702fbb4b64cf7d4daa32145cd5de281774611363c6027";
    static final String EMPTY_FILE_ADDRESS = "58e296821ef00ef9d3a2e353d297fe20b0c7a269b52e6e2fce4c46d8e2b61d99";

    @Test
    void aKnownInputHasItsGoldenManifestAndAddress() throws IOException {
        Manifest m = Chunker.manifestOf(new ByteArrayInputStream(goldenInput()), 1024);
        assertThat(new String(ManifestCodec.encode(m), StandardCharsets.UTF_8)).isEqualTo(GOLDEN_MANIFEST);
        assertThat(Chunker.addressOf(m).hex()).isEqualTo(GOLDEN_ADDRESS);
    }

    @Test
    void theEmptyFileHasNoChunks() throws IOException {
        Manifest m = Chunker.manifestOf(new ByteArrayInputStream(new byte[0]), Manifest.DEFAULT_CHUNK_SIZE);
        assertThat(m.chunks()).isEmpty();
        assertThat(m.size()).isZero();
        assertThat(Chunker.addressOf(m).hex()).isEqualTo(EMPTY_FILE_ADDRESS);
    }

    @Test
    void sameBytesAndChunkSizeGiveTheSameAddressAnotherChunkSizeAnother() throws IOException {
        long seed = 42;
        byte[] data = new byte[300_000];
        new SplittableRandom(seed).nextBytes(data);
        Address a = Chunker.addressOf(Chunker.manifestOf(new ByteArrayInputStream(data), 65536));
        // A stream that hands out few bytes per read must cut the same chunks.
        Address b = Chunker.addressOf(Chunker.manifestOf(new TrickleInputStream(data, 777), 65536));
        Address c = Chunker.addressOf(Chunker.manifestOf(new ByteArrayInputStream(data), 32768));
        assertThat(b).as("seed %d", seed).isEqualTo(a);
        assertThat(c).as("seed %d", seed).isNotEqualTo(a);
    }

    @Test
    void chunksAreFullExceptTheLastAndCoverTheFile() throws IOException {
        long seed = 7;
        byte[] data = new byte[5 * 1024 + 1];
        new SplittableRandom(seed).nextBytes(data);
        Manifest m = Chunker.manifestOf(new ByteArrayInputStream(data), 1024);
        assertThat(m.chunks()).extracting(Manifest.Chunk::size).containsExactly(1024, 1024, 1024, 1024, 1024, 1);
        assertThat(m.chunks().get(5).id()).isEqualTo(Address.of(new byte[] {data[5 * 1024]}));
        assertThat(m.size()).isEqualTo(data.length);
        // It round-trips through the codec the node and the downloader use.
        assertThat(ManifestCodec.decode(ManifestCodec.encode(m))).isEqualTo(m);
    }

    @Test
    void chunkSizesOutsideOneKibToFourMibAreRefused() {
        assertThatThrownBy(() -> Chunker.checkChunkSize(1023)).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> Chunker.checkChunkSize(4 * 1024 * 1024 + 1)).isInstanceOf(CairnException.class);
        assertThat(Chunker.checkChunkSize(4 * 1024 * 1024)).isEqualTo(4 * 1024 * 1024);
    }

    /** Returns at most {@code step} bytes per read, like a slow pipe. */
    static final class TrickleInputStream extends ByteArrayInputStream {
        private final int step;

        TrickleInputStream(byte[] data, int step) {
            super(data);
            this.step = step;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, step));
        }
    }
}
