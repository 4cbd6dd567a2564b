package io.cairn.core.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexCodecTest {
    static final String H = "a".repeat(64);

    @Test
    void goldenRoundTrip() {
        RepoIndex index = new RepoIndex(7, List.of(new IndexEntry("z/b", 12, 1763740800000L, 0644, H, 40),
                new IndexEntry("a", 0, 5, 0600, "b".repeat(64), -1)));
        byte[] bytes = IndexCodec.encode(index);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"version\":7,\"files\":["
                + "{\"path\":\"a\",\"size\":0,\"mtime\":5,\"mode\":384,\"hash\":\"" + "b".repeat(64) + "\",\"archiveSize\":-1},"
                + "{\"path\":\"z/b\",\"size\":12,\"mtime\":1763740800000,\"mode\":420,\"hash\":\"" + H + "\",\"archiveSize\":40}]}");
        IndexCodec.Decoded d = IndexCodec.decode(bytes);
        assertThat(d.version()).isEqualTo(7);
        assertThat(d.files()).isEqualTo(index.files());
        assertThat(d.refused()).isEmpty();
    }

    @Test
    void badEntriesAreRefusedOneByOne() {
        String json = "{\"version\":1,\"files\":["
                + "{\"path\":\"ok\",\"size\":1,\"mtime\":1,\"mode\":420,\"hash\":\"" + H + "\"},"
                + "{\"path\":\"ok\",\"size\":1,\"mtime\":1,\"mode\":420,\"hash\":\"" + H + "\"},"
                + "{\"path\":\"neg\",\"size\":-1,\"mtime\":1,\"mode\":420,\"hash\":\"" + H + "\"},"
                + "{\"path\":\"mode\",\"size\":1,\"mtime\":1,\"mode\":99999,\"hash\":\"" + H + "\"},"
                + "{\"path\":\"hash\",\"size\":1,\"mtime\":1,\"mode\":420,\"hash\":\"XYZ\"},"
                + "{\"path\":7,\"size\":1,\"mtime\":1,\"mode\":420,\"hash\":\"" + H + "\"},"
                + "[]]}";
        IndexCodec.Decoded d = IndexCodec.decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(d.files()).extracting(IndexEntry::path).containsExactly("ok");
        assertThat(d.refused()).hasSize(6);
    }

    @Test
    void malformedDocumentsAreBadRequests() {
        for (String s : List.of("", "[]", "{\"files\":[]}", "{\"version\":\"1\",\"files\":[]}", "{\"version\":1}",
                "{\"version\":1,\"files\":{}}", "{\"version\":-1,\"files\":[]}", "{\"version\":1,\"files\":[]} x",
                "{\"version\":1,\"files\":[]")) {
            assertThatThrownBy(() -> IndexCodec.decode(s.getBytes(StandardCharsets.UTF_8))).as(s)
                    .isInstanceOf(CairnException.class);
        }
    }

    @Test
    void truncatedAndBitRottedBytesNeverDecodeToSomethingElseSilently() {
        byte[] good = IndexCodec.encode(new RepoIndex(3, List.of(new IndexEntry("a/b", 9, 9, 0644, H, 9))));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] t = java.util.Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> IndexCodec.decode(t)).isInstanceOf(CairnException.class);
        }
        long seed = 6002;
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < 2000; i++) {
            byte[] rot = good.clone();
            rot[r.nextInt(rot.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                IndexCodec.Decoded d = IndexCodec.decode(rot);
                // Whatever decodes still obeys every entry rule.
                for (IndexEntry e : d.files()) {
                    assertThat(IndexEntry.isHash(e.hash())).as("seed %d", seed).isTrue();
                    assertThat(e.size()).as("seed %d", seed).isNotNegative();
                }
            } catch (CairnException expected) {
                // refused as a whole: fine
            }
        }
    }
}
