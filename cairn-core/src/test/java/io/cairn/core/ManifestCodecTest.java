package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
    private static final String HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private static final String WORLD = "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7";

    /** Golden bytes: the canonical form is part of the file address, so it must never drift. */
    private static final String GOLDEN = "{\"size\":2049,\"sha256\":\"" + WORLD + "\",\"chunkSize\":1024,\"chunks\":["
            + "{\"Id\":\"" + HELLO + "\",\"Order\":0,\"Size\":1024},"
            + "{\"Id\":\"" + WORLD + "\",\"Order\":1,\"Size\":1024},"
            + "{\"Id\":\"" + HELLO + "\",\"Order\":2,\"Size\":1}]}";

    private static Manifest sample() {
        return new Manifest(2049, WORLD, 1024, List.of(
                new Manifest.Chunk(Address.parse(HELLO), 0, 1024),
                new Manifest.Chunk(Address.parse(WORLD), 1, 1024),
                new Manifest.Chunk(Address.parse(HELLO), 2, 1)));
    }

    @Test
    void encodesToTheGoldenBytes() {
        assertThat(new String(ManifestCodec.encode(sample()), StandardCharsets.UTF_8)).isEqualTo(GOLDEN);
    }

    @Test
    void decodeRoundTripsAndIsDeterministic() {
        Manifest decoded = ManifestCodec.decode(GOLDEN.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded).isEqualTo(sample());
        assertThat(Address.of(ManifestCodec.encode(decoded))).isEqualTo(Address.of(GOLDEN.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void decodeAcceptsAnyFieldOrderAndUnknownFields() {
        String reordered = "{\"chunks\":[],\"extra\":true,\"chunkSize\":65536,\"sha256\":\"" + HELLO.toUpperCase() + "\",\"size\":0}";
        Manifest m = ManifestCodec.decode(reordered.getBytes(StandardCharsets.UTF_8));
        assertThat(m.size()).isZero();
        assertThat(m.sha256()).isEqualTo(HELLO);
    }

    @Test
    void refusesEveryBrokenRule() {
        String[] broken = {
            "", "[]", "{", "nonsense", GOLDEN + "x",
            GOLDEN.replace("\"size\":2049", "\"size\":2050"),
            GOLDEN.replace("\"size\":2049", "\"size\":-1"),
            GOLDEN.replace("\"Order\":1", "\"Order\":5"),
            GOLDEN.replace("\"Size\":1}", "\"Size\":0}"),
            GOLDEN.replace("\"chunkSize\":1024", "\"chunkSize\":1"),
            GOLDEN.replace("\"chunkSize\":1024", "\"chunkSize\":\"1024\""),
            GOLDEN.replace(HELLO + "\",\"Order\":0", "abc\",\"Order\":0"),
            GOLDEN.replace("\"sha256\":\"" + WORLD, "\"sha256\":\"xyz"),
            "{\"size\":0,\"size\":0,\"sha256\":\"" + HELLO + "\",\"chunkSize\":1024,\"chunks\":[]}",
            "[".repeat(100) + "]".repeat(100),
        };
        for (String text : broken) {
            assertThatThrownBy(() -> ManifestCodec.decode(text.getBytes(StandardCharsets.UTF_8)))
                    .as(text).isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }
}
