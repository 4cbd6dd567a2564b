package io.cairn.core.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NameTest {
    private static void assertBadRequest(Runnable r, String what, String messagePart) {
        assertThatThrownBy(r::run).as(what).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).containsIgnoringCase(messagePart);
        });
    }

    @Test
    void acceptsSlashesSpacesDotsAndAnyScript() {
        for (String ok : List.of("a", "photos/2026/cat.jpg", "/", "..", "../etc/passwd", "a b+c", "名前/ファイル",
                "emoji 🦀", "tab\u00a0nbsp", "x".repeat(1024), "é".repeat(512))) {
            Name n = Name.of(ok);
            assertThat(n.value()).isEqualTo(ok);
            assertThat(Name.ofUtf8(ok.getBytes(StandardCharsets.UTF_8))).isEqualTo(n);
        }
    }

    @Test
    void refusesEmptyTooLongAndControlCharacters() {
        assertBadRequest(() -> Name.of(""), "empty", "empty");
        assertBadRequest(() -> Name.ofUtf8(new byte[0]), "empty bytes", "empty");
        assertBadRequest(() -> Name.of("x".repeat(1025)), "1025 ASCII", "1024 bytes");
        assertBadRequest(() -> Name.of("é".repeat(513)), "1026 bytes in 513 chars", "1024 bytes");
        for (int cp : new int[] {0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f}) {
            String s = "a" + Character.toString(cp) + "b";
            assertBadRequest(() -> Name.of(s), String.format("U+%04X", cp), String.format("U+%04X", cp));
        }
    }

    @Test
    void refusesLoneSurrogatesAndMalformedUtf8() {
        assertBadRequest(() -> Name.of("a\ud800b"), "lone high surrogate", "surrogate");
        assertBadRequest(() -> Name.of("a\udc00"), "lone low surrogate", "surrogate");
        byte[][] malformed = {
            {(byte) 0xc3},                                  // truncated 2-byte sequence
            {(byte) 0xc0, (byte) 0xaf},                     // overlong '/'
            {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},        // overlong '/', 3 bytes
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},        // encoded surrogate U+D800 (CESU-8)
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // U+110000
            {(byte) 0xff}, {(byte) 0x80},                   // never valid, stray continuation
        };
        for (byte[] b : malformed) {
            assertBadRequest(() -> Name.ofUtf8(b), java.util.HexFormat.of().formatHex(b), "UTF-8");
        }
    }

    @Test
    void decodesUrlPathsStrictly() {
        assertThat(Name.fromUrlPath("a/b%20c").value()).isEqualTo("a/b c");
        assertThat(Name.fromUrlPath("a%2Fb%2fc").value()).isEqualTo("a/b/c");
        assertThat(Name.fromUrlPath("1+1").value()).isEqualTo("1+1");
        assertThat(Name.fromUrlPath("%E5%90%8D%e5%89%8d").value()).isEqualTo("名前");
        assertThat(Name.fromUrlPath("名前").value()).isEqualTo("名前");
        assertThat(Name.fromUrlPath("%F0%9F%A6%80").value()).isEqualTo("🦀");
        for (String bad : List.of("%", "a%", "a%2", "%zz", "%2g", "%%41", "%-1")) {
            assertBadRequest(() -> Name.fromUrlPath(bad), bad, "percent-escape");
        }
        assertBadRequest(() -> Name.fromUrlPath("a%00b"), "escaped NUL", "control");
        assertBadRequest(() -> Name.fromUrlPath("%0A"), "escaped newline", "control");
        assertBadRequest(() -> Name.fromUrlPath("%C2%85"), "escaped NEL (C1)", "control");
        assertBadRequest(() -> Name.fromUrlPath("%C0%AF"), "escaped overlong", "UTF-8");
        assertBadRequest(() -> Name.fromUrlPath("%ED%A0%80"), "escaped surrogate", "UTF-8");
        assertBadRequest(() -> Name.fromUrlPath("a\ud800"), "raw lone surrogate", "surrogate");
        assertBadRequest(() -> Name.fromUrlPath(""), "empty", "empty");
        assertBadRequest(() -> Name.fromUrlPath("%41".repeat(1000) + "A".repeat(25)), "1025 bytes", "1024 bytes");
        assertBadRequest(() -> Name.fromUrlPath("a".repeat(Name.MAX_URL_CHARS + 1)), "over the URL bound", "too long");
    }

    @Test
    void urlFormRoundTripsForRandomNames() {
        long seed = 20261121L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int length = 1 + random.nextInt(40);
            while (sb.length() < length) {
                int cp = random.nextInt(4) == 0 ? random.nextInt(0x20, 0x7f) : random.nextInt(0xa0, 0x10ffff);
                if (cp >= 0xd800 && cp <= 0xdfff) {
                    continue;
                }
                sb.appendCodePoint(cp);
            }
            Name n = Name.of(sb.toString());
            String url = n.toUrlPath();
            assertThat(url).as("seed %d, name %s", seed, n).matches("[A-Za-z0-9._~/%-]+");
            assertThat(Name.fromUrlPath(url)).as("seed %d", seed).isEqualTo(n);
        }
        assertThat(Name.of("a b/ü~").toUrlPath()).isEqualTo("a%20b/%C3%BC~");
    }

    @Test
    void ordersByUtf8BytesWhichIsCodePointOrder() {
        // U+FF5E (3 bytes, EF BD 9E) sorts before U+1F980 (4 bytes, F0 ...), although its UTF-16
        // unit 0xFF5E is larger than the high surrogate 0xD83E: String.compareTo would disagree.
        List<Name> names = new ArrayList<>(List.of(Name.of("🦀"), Name.of("～"), Name.of("b"), Name.of("a/z"), Name.of("a")));
        names.sort(null);
        assertThat(names).extracting(Name::value).containsExactly("a", "a/z", "b", "～", "🦀");
        assertThat(Name.of("photos/cat").startsWith("photos/")).isTrue();
        assertThat(Name.of("photo").startsWith("photos/")).isFalse();
    }
}
