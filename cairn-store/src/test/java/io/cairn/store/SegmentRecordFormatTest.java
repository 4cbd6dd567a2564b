package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Lease;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden bytes of the on-disk format (docs/STORAGE.md). If one of these fixtures has to change,
 * the format changed: bump the version and keep reading the old one.
 */
class SegmentRecordFormatTest {
    /** SHA-256("cairn"). */
    static final Address CAIRN = Address.parse("4a9909a9516d02fd4c729a45922398fb41c398c235423a5304085bc923a8db67");

    /** A BLOCK record: content "cairn", sequence 1, lease 2026-01-01T00:00:00Z (1767225600). */
    static final String BLOCK_RECORD = ""
            + "63626c6b" + "01" + "01" + "0000"                                      // magic "cblk", version 1, BLOCK, reserved
            + "4a9909a9516d02fd4c729a45922398fb41c398c235423a5304085bc923a8db67"      // address
            + "0000000000000001"                                                     // sequence 1
            + "000000006955b900"                                                     // lease 1767225600
            + "00000005"                                                             // content length 5
            + "6eede7b6"                                                             // CRC32C("cairn")
            + "811c91c2"                                                             // CRC32C of the 64 bytes above
            + "636169726e";                                                          // "cairn"

    /** A TOMBSTONE record for the same address: sequence 2, target segment 1. */
    static final String TOMBSTONE_RECORD = ""
            + "63626c6b" + "01" + "02" + "0000"
            + "4a9909a9516d02fd4c729a45922398fb41c398c235423a5304085bc923a8db67"
            + "0000000000000002"
            + "0000000000000001"
            + "00000000"
            + "00000000"
            + "0643068d";

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @TempDir Path dir;

    @Test
    void encodesTheGoldenBlockAndTombstone() {
        byte[] content = "cairn".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer block = ByteBuffer.allocate(SegmentRecord.HEADER_BYTES + 5);
        SegmentRecord.writeHeader(block, SegmentRecord.BLOCK, CAIRN, 1, 1767225600L, 5, SegmentRecord.contentCrc(ByteBuffer.wrap(content)));
        block.put(content);
        assertThat(HexFormat.of().formatHex(block.array())).isEqualTo(BLOCK_RECORD);
        ByteBuffer tomb = SegmentRecord.header(SegmentRecord.TOMBSTONE, CAIRN, 2, 1, 0, 0);
        assertThat(HexFormat.of().formatHex(tomb.array())).isEqualTo(TOMBSTONE_RECORD);
    }

    @Test
    void decodesTheGoldenBlock() {
        SegmentRecord.Header h = SegmentRecord.readHeader(ByteBuffer.wrap(hex(BLOCK_RECORD)), 0);
        assertThat(h).isEqualTo(new SegmentRecord.Header(SegmentRecord.BLOCK, CAIRN, 1, 1767225600L, 5, 0x6eede7b6));
    }

    @Test
    void aStoreWritesExactlyTheGoldenBytes() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (BlockStore store = TestStores.open(dir, clock)) {
            store.put(CAIRN, ByteBuffer.wrap("cairn".getBytes(StandardCharsets.US_ASCII)), Lease.until(Instant.parse("2026-01-01T00:00:00Z")));
        }
        assertThat(HexFormat.of().formatHex(Files.readAllBytes(TestStores.lastSegment(dir)))).isEqualTo(BLOCK_RECORD);
    }

    private static List<String> scan(byte[] bytes, int[] validEnd) {
        List<String> seen = new ArrayList<>();
        SegmentScanner s = SegmentScanner.scan(ByteBuffer.wrap(bytes), (h, offset) -> seen.add(h.kind() + "@" + offset));
        validEnd[0] = s.validEnd();
        return seen;
    }

    @Test
    void scansBothGoldenRecords() {
        int[] end = new int[1];
        assertThat(scan(hex(BLOCK_RECORD + TOMBSTONE_RECORD), end)).containsExactly("1@0", "2@73");
        assertThat(end[0]).isEqualTo(73 + 68);
    }

    @Test
    void everyTruncationKeepsOnlyTheCompleteRecords() {
        byte[] both = hex(BLOCK_RECORD + TOMBSTONE_RECORD);
        for (int cut = 0; cut < both.length; cut++) {
            int[] end = new int[1];
            List<String> seen = scan(java.util.Arrays.copyOf(both, cut), end);
            if (cut < 73) {
                assertThat(seen).as("cut at %d", cut).isEmpty();
                assertThat(end[0]).as("cut at %d", cut).isZero();
            } else {
                assertThat(seen).as("cut at %d", cut).containsExactly("1@0");
                assertThat(end[0]).as("cut at %d", cut).isEqualTo(73);
            }
        }
    }

    @Test
    void garbageAfterTheLastRecordIsATornTail() {
        byte[] both = hex(BLOCK_RECORD + "00000000ffffffff63626c6b0101");
        int[] end = new int[1];
        assertThat(scan(both, end)).containsExactly("1@0");
        assertThat(end[0]).isEqualTo(73);
    }

    @Test
    void everySingleBitFlipOfTheBlockIsCaughtAndTheNextRecordStillFound() {
        byte[] golden = hex(BLOCK_RECORD + TOMBSTONE_RECORD);
        for (int bit = 0; bit < 73 * 8; bit++) {
            byte[] rotted = golden.clone();
            rotted[bit / 8] ^= (byte) (1 << (bit % 8));
            int[] end = new int[1];
            assertThat(scan(rotted, end)).as("bit %d", bit).containsExactly("2@73");
            assertThat(end[0]).as("bit %d", bit).isEqualTo(141);
        }
    }

    @Test
    void hintEntryLayout() {
        ByteBuffer entry = ByteBuffer.allocate(HintFile.ENTRY_BYTES);
        HintFile.writeEntry(entry, SegmentRecord.BLOCK, 73, 5, 1, 1767225600L, CAIRN);
        assertThat(HexFormat.of().formatHex(entry.array())).isEqualTo(""
                + "01000000" + "00000049" + "00000005" + "00000000"
                + "0000000000000001" + "000000006955b900"
                + "4a9909a9516d02fd4c729a45922398fb41c398c235423a5304085bc923a8db67");
    }

    @Test
    void aDamagedHintIsRefusedAndTheSegmentScannedInstead() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        List<Blocks> blocks = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        try (BlockStore store = TestStores.open(dir, clock)) {
            for (int i = 0; i < 40; i++) { // 40 x 4 KiB: several sealed segments with hints
                Blocks b = Blocks.random(random, 4096);
                store.put(b.address, b.buffer(), Lease.NEVER);
                blocks.add(b);
            }
        }
        Path hint = HintFile.pathOf(TestStores.segmentsDir(dir), 1);
        assertThat(HintFile.open(TestStores.segmentsDir(dir), 1)).isNotNull();
        TestStores.flipBit(hint, 100);
        assertThat(HintFile.open(TestStores.segmentsDir(dir), 1)).isNull();
        try (BlockStore store = TestStores.open(dir, clock)) {
            for (Blocks b : blocks) {
                assertThat(b.readFrom(store)).as("seed 7").isEqualTo(b.bytes);
            }
        }
        assertThat(HintFile.open(TestStores.segmentsDir(dir), 1)).as("rebuilt at open").isNotNull();
    }
}
