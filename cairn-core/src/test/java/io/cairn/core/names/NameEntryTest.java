package io.cairn.core.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NameEntryTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Address HELLO = Address.parse("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    private static final NodeId W1 = NodeId.parse("11".repeat(32));
    private static final NodeId W2 = NodeId.parse("22".repeat(32));

    /**
     * Golden bytes, written field by field from the table in NameEntryCodec. The CRC32C was
     * computed independently with a bitwise Python implementation (poly 0x82F63B78 reflected,
     * init and final xor 0xFFFFFFFF; checked against the standard check value
     * crc32c("123456789") = 0xE3069283).
     */
    private static final String LIVE_GOLDEN = ""
            + "01" + "00" + "0003" + "612f62"                               // format, flags, L = 3, "a/b"
            + "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" // address
            + "0000000000000005"                                            // size 5
            + "0000018bcfe56800" + "0007"                                   // HLC 1700000000000 ms, logical 7
            + "11".repeat(32)                                               // writer
            + "0000018bcfe5687b"                                            // updatedAt 1700000000123 ms
            + "fd54a4a3";                                                   // CRC32C
    private static final String TOMBSTONE_GOLDEN = ""
            + "01" + "01" + "0003" + "612f62"
            + "00".repeat(32) + "0000000000000000"
            + "0000018bcfe56800" + "0008"
            + "22".repeat(32)
            + "0000018bcfe56be7"
            + "1fdc1f80";

    private static NameEntry live() {
        return NameEntry.live(Name.of("a/b"), HELLO, 5, new Version(new HlcTime(1_700_000_000_000L, 7), W1),
                Instant.ofEpochMilli(1_700_000_000_123L));
    }

    private static NameEntry tombstone() {
        return NameEntry.tombstone(Name.of("a/b"), new Version(new HlcTime(1_700_000_000_000L, 8), W2),
                Instant.ofEpochMilli(1_700_000_000_999L).plusNanos(123)); // sub-ms part is dropped
    }

    @Test
    void encodesToTheGoldenBytes() {
        assertThat(HEX.formatHex(NameEntryCodec.encode(live()))).isEqualTo(LIVE_GOLDEN);
        assertThat(HEX.formatHex(NameEntryCodec.encode(tombstone()))).isEqualTo(TOMBSTONE_GOLDEN);
        assertThat(NameEntryCodec.decode(HEX.parseHex(LIVE_GOLDEN))).isEqualTo(live());
        assertThat(NameEntryCodec.decode(HEX.parseHex(TOMBSTONE_GOLDEN))).isEqualTo(tombstone());
        assertThat(HEX.parseHex(LIVE_GOLDEN)).hasSize(NameEntryCodec.FIXED_BYTES + 3);
    }

    @Test
    void roundTripsTheLongestName() {
        NameEntry e = NameEntry.live(Name.of("é".repeat(512)), HELLO, Long.MAX_VALUE,
                new Version(new HlcTime(Long.MAX_VALUE, HlcTime.MAX_LOGICAL), W2), Instant.ofEpochMilli(-1));
        byte[] bytes = NameEntryCodec.encode(e);
        assertThat(bytes).hasSize(NameEntryCodec.MAX_BYTES);
        assertThat(NameEntryCodec.decode(bytes)).isEqualTo(e);
    }

    @Test
    void refusesTruncatedExtendedAndEveryFlippedBit() {
        byte[] good = HEX.parseHex(LIVE_GOLDEN);
        for (int length = 0; length < good.length; length++) {
            byte[] cut = Arrays.copyOf(good, length);
            assertBadEntry(cut, "truncated to " + length);
        }
        assertBadEntry(Arrays.copyOf(good, good.length + 1), "one byte appended");
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] flipped = good.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertBadEntry(flipped, "bit " + bit + " flipped");
        }
    }

    @Test
    void refusesBrokenRulesEvenWithAValidChecksum() {
        assertBadEntry(withCrc(LIVE_GOLDEN.replaceFirst("^01", "02")), "format 2");
        assertBadEntry(withCrc(LIVE_GOLDEN.replaceFirst("^0100", "0102")), "unknown flag");
        assertBadEntry(withCrc(LIVE_GOLDEN.replace("612f62", "610a62")), "control character in the name");
        assertBadEntry(withCrc(LIVE_GOLDEN.replace("612f62", "61c062")), "malformed UTF-8 in the name");
        assertBadEntry(withCrc(TOMBSTONE_GOLDEN.replace("0000000000000000" + "0000018b", "0000000000000001" + "0000018b")),
                "tombstone with a size");
        assertBadEntry(withCrc(LIVE_GOLDEN.replace("0000000000000005", "ff00000000000005")), "negative size");
    }

    private static byte[] withCrc(String hexWithOldCrc) {
        byte[] b = HEX.parseHex(hexWithOldCrc);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, b.length - 4);
        java.nio.ByteBuffer.wrap(b, b.length - 4, 4).putInt((int) crc.getValue());
        return b;
    }

    private static void assertBadEntry(byte[] bytes, String what) {
        assertThatThrownBy(() -> NameEntryCodec.decode(bytes)).as(what).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void mergeIsLastWriterWinsAndATombstoneIsAWrite() {
        NameEntry older = live();
        NameEntry newer = tombstone(); // logical 8 > 7
        assertThat(NameEntry.merge(older, newer)).isEqualTo(newer);
        assertThat(NameEntry.merge(newer, older)).isEqualTo(newer);
        NameEntry rebound = NameEntry.live(Name.of("a/b"), HELLO, 5, new Version(new HlcTime(1_700_000_000_001L, 0), W1),
                Instant.ofEpochMilli(1_700_000_000_200L));
        assertThat(NameEntry.merge(newer, rebound)).isEqualTo(rebound);
        assertThatThrownBy(() -> NameEntry.merge(live(), NameEntry.tombstone(Name.of("other"), live().version(), Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Merge is a max under a total order: commutative, associative, idempotent, even on version ties. */
    @Test
    void mergeConvergesInAnyOrder() {
        long seed = 99;
        SplittableRandom random = new SplittableRandom(seed);
        Name name = Name.of("k");
        for (int round = 0; round < 500; round++) {
            List<NameEntry> entries = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Version v = new Version(new HlcTime(random.nextInt(3), random.nextInt(2)), random.nextBoolean() ? W1 : W2);
                byte[] content = {(byte) random.nextInt(3)};
                entries.add(random.nextInt(4) == 0
                        ? NameEntry.tombstone(name, v, Instant.ofEpochMilli(random.nextInt(5)))
                        : NameEntry.live(name, Address.of(content), 1, v, Instant.ofEpochMilli(random.nextInt(5))));
            }
            NameEntry forward = entries.stream().reduce(NameEntry::merge).orElseThrow();
            List<NameEntry> shuffled = new ArrayList<>(entries);
            java.util.Collections.shuffle(shuffled, new java.util.Random(seed + round));
            NameEntry backward = shuffled.reversed().stream().reduce((a, b) -> NameEntry.merge(b, a)).orElseThrow();
            assertThat(backward).as("seed %d round %d", seed, round).isEqualTo(forward);
            assertThat(NameEntry.merge(forward, forward)).isEqualTo(forward);
            for (NameEntry e : entries) {
                assertThat(forward.version()).as("seed %d round %d", seed, round).isGreaterThanOrEqualTo(e.version());
            }
        }
    }

    @Test
    void recordRefusesInconsistentEntries() {
        Version v = live().version();
        assertThatThrownBy(() -> new NameEntry(Name.of("x"), null, 0, v, false, Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NameEntry(Name.of("x"), HELLO, 0, v, true, Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NameEntry.live(Name.of("x"), HELLO, -1, v, Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
    }
}
