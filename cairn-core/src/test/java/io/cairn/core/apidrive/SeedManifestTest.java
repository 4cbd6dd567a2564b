package io.cairn.core.apidrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeedManifestTest {
    private static final String HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private static final String WORLD = "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7";
    private static final String N1 = "http://10.0.0.1:7071/api/drive/retrieve";
    private static final String N2 = "http://10.0.0.2:7072/api/drive/retrieve";
    private static final String N3 = "https://node3.example:443/api/drive/retrieve";

    /** Golden bytes: deterministic, so that the same file always gives the same manifest. */
    private static final String GOLDEN = "{\"photo 1.jpg\":["
            + "{\"Id\":\"" + HELLO + "\",\"Order\":0,\"URL1\":\"" + N1 + "\",\"URL2\":\"" + N2 + "\",\"URL3\":\"" + N3 + "\"},"
            + "{\"Id\":\"" + WORLD + "\",\"Order\":1,\"URL1\":\"" + N2 + "\",\"URL2\":\"\",\"URL3\":\"\"}]}";

    private static SeedManifest sample() {
        return new SeedManifest("photo 1.jpg", List.of(
                new SeedManifest.Chunk(Address.parse(HELLO), 0, List.of(URI.create(N1), URI.create(N2), URI.create(N3))),
                new SeedManifest.Chunk(Address.parse(WORLD), 1, List.of(URI.create(N2)))));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodesToTheGoldenJsonAndBack() {
        assertThat(new String(SeedManifestCodec.encode(sample()), StandardCharsets.UTF_8)).isEqualTo(GOLDEN);
        assertThat(SeedManifestCodec.decode(utf8(GOLDEN))).isEqualTo(sample());
    }

    @Test
    void convertsACairnManifestWithAReplicaUrlFunction() {
        Manifest m = new Manifest(65537, WORLD, 65536, List.of(
                new Manifest.Chunk(Address.parse(HELLO), 0, 65536),
                new Manifest.Chunk(Address.parse(WORLD), 1, 1)));
        List<URI> bases = List.of(URI.create("http://10.0.0.1:7071"), URI.create("http://10.0.0.2:7072/"),
                URI.create("https://node3.example:443"), URI.create("http://10.0.0.4:7074"));
        SeedManifest seed = SeedManifest.fromManifest("photo 1.jpg", m, id -> id.hex().equals(HELLO)
                ? bases.stream().map(SeedManifest::retrieveUrl).toList()        // four replicas: the first three are kept
                : List.of(SeedManifest.retrieveUrl(bases.get(1)), SeedManifest.retrieveUrl(bases.get(1)))); // duplicates merge
        assertThat(new String(SeedManifestCodec.encode(seed), StandardCharsets.UTF_8)).isEqualTo(GOLDEN);
    }

    @Test
    void readsShuffledOneBasedAndSparseManifests() {
        String oneBasedShuffled = "{\"f\":["
                + "{\"Order\":2,\"Id\":\"" + WORLD.toUpperCase() + "\",\"URL1\":\"" + N2 + "\",\"Size\":1},"
                + "{\"Id\":\"" + HELLO + "\",\"Order\":1,\"URL2\":\"" + N1 + "\",\"URL3\":null}]}";
        SeedManifest m = SeedManifestCodec.decode(utf8(oneBasedShuffled));
        assertThat(m.fileName()).isEqualTo("f");
        assertThat(m.chunks()).extracting(SeedManifest.Chunk::order).containsExactly(0, 1);
        assertThat(m.chunks()).extracting(c -> c.id().hex()).containsExactly(HELLO, WORLD);
        assertThat(m.chunks().get(0).urls()).containsExactly(URI.create(N1));
        assertThat(SeedManifestCodec.decode(utf8("{\"empty file\":[]}")).chunks()).isEmpty();
        String duplicateUrls = "{\"f\":[{\"Id\":\"" + HELLO + "\",\"Order\":0,\"URL1\":\"" + N1 + "\",\"URL2\":\"" + N1 + "\"}]}";
        assertThat(SeedManifestCodec.decode(utf8(duplicateUrls)).chunks().getFirst().urls()).hasSize(1);
    }

    @Test
    void decodeSortsAnyPermutation() {
        long seed = 77;
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            chunks.add("{\"Id\":\"" + (i % 2 == 0 ? HELLO : WORLD) + "\",\"Order\":" + i + ",\"URL1\":\"" + N1 + "\"}");
        }
        Collections.shuffle(chunks, new Random(seed));
        SeedManifest m = SeedManifestCodec.decode(utf8("{\"big.bin\":[" + String.join(",", chunks) + "]}"));
        for (int i = 0; i < 50; i++) {
            assertThat(m.chunks().get(i).id().hex()).as("seed %d chunk %d", seed, i).isEqualTo(i % 2 == 0 ? HELLO : WORLD);
        }
    }

    @Test
    void refusesEveryBrokenRule() {
        String chunk0 = "{\"Id\":\"" + HELLO + "\",\"Order\":0}";
        String[] broken = {
            "", "[]", "null", "{}", "nonsense", GOLDEN + "x", GOLDEN.substring(0, GOLDEN.length() - 1),
            "{\"a\":[],\"b\":[]}",                                         // two keys
            "{\"a\":[],\"a\":[]}",                                         // duplicate key
            "{\"\":[]}",                                                   // empty file name
            "{\"a\\u0000b\":[]}", "{\"a\\nb\":[]}",                        // control characters in the name
            "{\"" + "x".repeat(1025) + "\":[]}",                          // name too long
            "{\"f\":{}}", "{\"f\":[1]}", "{\"f\":[[]]}",
            "{\"f\":[{\"Order\":0}]}",                                     // no Id
            "{\"f\":[{\"Id\":\"abc\",\"Order\":0}]}",
            "{\"f\":[{\"Id\":7,\"Order\":0}]}",
            "{\"f\":[{\"Id\":\"" + HELLO + "\"}]}",                        // no Order
            "{\"f\":[{\"Id\":\"" + HELLO + "\",\"Order\":\"0\"}]}",
            "{\"f\":[{\"Id\":\"" + HELLO + "\",\"Order\":-1}]}",
            "{\"f\":[{\"Id\":\"" + HELLO + "\",\"Order\":0.5}]}",
            "{\"f\":[{\"Id\":\"" + HELLO + "\",\"Order\":4294967296}]}",
            "{\"f\":[" + chunk0 + "," + chunk0 + "]}",                    // Order 0 twice
            "{\"f\":[" + chunk0 + "," + chunk0.replace("\"Order\":0", "\"Order\":2") + "]}", // gap
            "{\"f\":[" + chunk0.replace("\"Order\":0", "\"Order\":2") + "]}",                // starts at 2
            "{\"f\":[" + chunk0.replace("}", ",\"URL1\":\"ftp://h/x\"}") + "]}",
            "{\"f\":[" + chunk0.replace("}", ",\"URL1\":\"/api/drive/retrieve\"}") + "]}",
            "{\"f\":[" + chunk0.replace("}", ",\"URL1\":\"http://u:p@h/x\"}") + "]}",
            "{\"f\":[" + chunk0.replace("}", ",\"URL1\":\"http://h/x#frag\"}") + "]}",
            "{\"f\":[" + chunk0.replace("}", ",\"URL1\":\"http://h/a b\"}") + "]}",
            "{\"f\":[" + chunk0.replace("}", ",\"URL2\":7}") + "]}",
            "{\"f\":[" + chunk0.replace("}", ",\"URL3\":\"http://h/" + "x".repeat(2048) + "\"}") + "]}",
            "[".repeat(100) + "]".repeat(100),
        };
        for (String b : broken) {
            assertThatThrownBy(() -> SeedManifestCodec.decode(utf8(b))).as(b.length() > 120 ? b.substring(0, 120) : b)
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                        assertThat(e.getMessage()).startsWith("not a seed manifest");
                    });
        }
        assertThatThrownBy(() -> SeedManifestCodec.decode(new byte[SeedManifestCodec.MAX_BYTES + 1]))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
    }

    @Test
    void safeFileNameRefusesPathsThatClimbOut() {
        assertThat(sample().safeFileName()).isEqualTo("photo 1.jpg");
        for (String bad : List.of("..", ".", "../x", "a/b", "/etc/passwd", "a\\b", "..\\..\\x")) {
            assertThatThrownBy(() -> new SeedManifest(bad, List.of()).safeFileName()).as(bad)
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
        assertThat(SeedManifest.retrieveUrl(URI.create("http://h:1//")).toString()).isEqualTo("http://h:1/api/drive/retrieve");
    }
}
