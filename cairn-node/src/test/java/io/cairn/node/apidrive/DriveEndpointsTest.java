package io.cairn.node.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §3.3 at the endpoint: {@code POST /api/drive/store} and {@code /retrieve} with BSON bodies
 * written down byte by byte, each with the status it must get, and nothing stored by a refusal.
 *
 * <p>Origin of the fixtures: spelled out by hand from the BSON specification 1.1 (bsonspec.org),
 * independently of org.mongodb:bson: int32 little-endian document length, element type byte,
 * C-string name, value, trailing 0x00. Sizes are worked out beside each one.
 */
class DriveEndpointsTest {
    private static final HexFormat HEX = HexFormat.of();
    /** sha256("hello"). */
    private static final String HELLO_ID = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private static final String HELLO_ID_ASCII = HEX.formatHex(HELLO_ID.getBytes(StandardCharsets.US_ASCII));

    /** {"Data": binary(0x00) "hello"}: 4 + 1 + 5 "Data\0" + 4 + 1 + 5 + 1 = 21 = 0x15. */
    static final String STORE_HELLO = "15000000" + "05" + "4461746100" + "05000000" + "00" + "68656c6c6f" + "00";
    /** {"Data": old binary(0x02) "hello"}: inner int32 5 inside, outer length 9; 25 = 0x19. */
    static final String STORE_HELLO_OLD_BINARY = "19000000" + "05" + "4461746100" + "09000000" + "02" + "05000000"
            + "68656c6c6f" + "00";
    /** {"Id": "<sha256(hello)>"}: 4 + 1 + 3 "Id\0" + 4 (65) + 65 + 1 = 78 = 0x4e. */
    static final String RETRIEVE_HELLO = "4e000000" + "02" + "496400" + "41000000" + HELLO_ID_ASCII + "00" + "00";

    private static Map<String, Object[]> storeFixtures() {
        Map<String, Object[]> f = new LinkedHashMap<>();
        f.put("valid", new Object[] {HEX.parseHex(STORE_HELLO), 200});
        f.put("valid, old binary subtype 2", new Object[] {HEX.parseHex(STORE_HELLO_OLD_BINARY), 200});
        f.put("truncated by one byte", new Object[] {Arrays.copyOf(HEX.parseHex(STORE_HELLO), 20), 400});
        f.put("truncated inside the value", new Object[] {Arrays.copyOf(HEX.parseHex(STORE_HELLO), 12), 400});
        f.put("empty body", new Object[] {new byte[0], 400});
        // {"Data": "hello"} as a string: 4 + 1 + 5 + 4 + 6 + 1 = 21
        f.put("Data is a string", new Object[] {HEX.parseHex("15000000" + "02" + "4461746100" + "06000000"
                + "68656c6c6f00" + "00"), 400});
        // {"Data": int32 5}: 4 + 1 + 5 + 4 + 1 = 15
        f.put("Data is an int32", new Object[] {HEX.parseHex("0f000000" + "10" + "4461746100" + "05000000" + "00"), 400});
        // {"data": ...}: the name's case matters; a missing Data field
        f.put("field named data", new Object[] {HEX.parseHex(STORE_HELLO.replace("4461746100", "6461746100")), 400});
        // {"Data": ..., "X": int32 1}: 21 + 1 + 2 "X\0" + 4 = 28 = 0x1c
        f.put("extra field", new Object[] {HEX.parseHex("1c000000" + "05" + "4461746100" + "05000000" + "00"
                + "68656c6c6f" + "10" + "5800" + "01000000" + "00"), 400});
        f.put("extra bytes after the document", new Object[] {HEX.parseHex(STORE_HELLO + "00"), 400});
        f.put("binary subtype 0x80", new Object[] {HEX.parseHex(STORE_HELLO.replace("05000000" + "00" + "68", "05000000" + "80" + "68")), 400});
        f.put("not BSON at all", new Object[] {"{\"Data\":\"aGVsbG8=\"}".getBytes(StandardCharsets.UTF_8), 400});
        f.put("Data one byte over 64 KiB", new Object[] {storeOf(64 * 1024 + 1), 413});
        f.put("Data exactly 64 KiB", new Object[] {storeOf(64 * 1024), 200});
        return f;
    }

    /** {"Data": n bytes of 'x'}: 4 + 1 + 5 + 4 + 1 + n + 1. */
    static byte[] storeOf(int n) {
        byte[] data = new byte[n];
        Arrays.fill(data, (byte) 'x');
        int total = 16 + n;
        byte[] out = new byte[total];
        le32(out, 0, total);
        out[4] = 0x05;
        System.arraycopy("Data\0".getBytes(StandardCharsets.US_ASCII), 0, out, 5, 5);
        le32(out, 10, n);
        out[14] = 0x00;
        System.arraycopy(data, 0, out, 15, n);
        out[total - 1] = 0;
        return out;
    }

    private static void le32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    @Test
    void storeFixturesGetTheirStatusAndRefusalsStoreNothing(@TempDir Path dir) {
        try (CairnNode node = CairnNode.start(DriveNodes.single(dir, DriveSettings.DEFAULTS))) {
            for (Map.Entry<String, Object[]> f : storeFixtures().entrySet()) {
                long before = node.store().blockCount();
                HttpResponse<byte[]> r = DriveNodes.store(node.url(), (byte[]) f.getValue()[0]);
                int expected = (Integer) f.getValue()[1];
                assertThat(r.statusCode()).as(f.getKey() + ": " + Http.text(r)).isEqualTo(expected);
                if (expected == 200) {
                    assertThat(r.headers().firstValue("content-type")).hasValue("application/bson");
                    Address id = new DriveCodec().decodeStoreResponse(r.body());
                    assertThat(node.store().contains(id)).as(f.getKey()).isTrue();
                } else {
                    assertThat(node.store().blockCount()).as(f.getKey() + " stored nothing").isEqualTo(before);
                    assertThat(Json.MAPPER.readTree(r.body()).path("error").stringValue()).as(f.getKey())
                            .isEqualTo(expected == 400 ? "bad_request" : "too_large");
                }
            }
        }
    }

    @Test
    void storedHelloHasTheGoldenIdAndIsRetrieved(@TempDir Path dir) {
        try (CairnNode node = CairnNode.start(DriveNodes.single(dir, DriveSettings.DEFAULTS))) {
            HttpResponse<byte[]> stored = DriveNodes.store(node.url(), HEX.parseHex(STORE_HELLO));
            // {"Id": "<sha256(hello)>"}: exactly the retrieve request's bytes, same single field
            assertThat(HEX.formatHex(stored.body())).isEqualTo(RETRIEVE_HELLO);
            HttpResponse<byte[]> got = DriveNodes.retrieve(node.url(), HEX.parseHex(RETRIEVE_HELLO));
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.headers().firstValue("content-type")).hasValue("application/bson");
            // {"Id": ..., "Data": "hello"}: 4 + 73 + 16 + 1 = 94 = 0x5e
            assertThat(HEX.formatHex(got.body())).isEqualTo("5e000000" + RETRIEVE_HELLO.substring(8, RETRIEVE_HELLO.length() - 2)
                    + "05" + "4461746100" + "05000000" + "00" + "68656c6c6f" + "00");
            // upper-case hex is the same address
            String upper = "4e000000" + "02" + "496400" + "41000000"
                    + HEX.formatHex(HELLO_ID.toUpperCase().getBytes(StandardCharsets.US_ASCII)) + "00" + "00";
            assertThat(DriveNodes.retrieve(node.url(), HEX.parseHex(upper)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void retrieveFixturesGetTheirStatus(@TempDir Path dir) {
        Map<String, Object[]> f = new LinkedHashMap<>();
        // sha256("") is an address nobody stored
        String emptyId = HEX.formatHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".getBytes(StandardCharsets.US_ASCII));
        f.put("unknown Id", new Object[] {HEX.parseHex("4e000000" + "02" + "496400" + "41000000" + emptyId + "00" + "00"), 404});
        // "Id": 63 hex + "g": not an address
        f.put("Id not hex", new Object[] {HEX.parseHex(RETRIEVE_HELLO.substring(0, 8 + 2 + 6 + 8 + 126) + "67" + "00" + "00"), 400});
        // {"Id": "abc"}: 4 + 1 + 3 + 4 + 4 + 1 = 17
        f.put("Id too short", new Object[] {HEX.parseHex("11000000" + "02" + "496400" + "04000000" + "61626300" + "00"), 400});
        f.put("Id is binary", new Object[] {HEX.parseHex(RETRIEVE_HELLO.replaceFirst("^4e00000002", "4e00000005")), 400});
        f.put("truncated", new Object[] {Arrays.copyOf(HEX.parseHex(RETRIEVE_HELLO), 40), 400});
        f.put("extra bytes", new Object[] {HEX.parseHex(RETRIEVE_HELLO + "0000"), 400});
        f.put("oversized body", new Object[] {storeOf(4096), 413});
        try (CairnNode node = CairnNode.start(DriveNodes.single(dir, DriveSettings.DEFAULTS))) {
            for (Map.Entry<String, Object[]> e : f.entrySet()) {
                HttpResponse<byte[]> r = DriveNodes.retrieve(node.url(), (byte[]) e.getValue()[0]);
                assertThat(r.statusCode()).as(e.getKey() + ": " + Http.text(r)).isEqualTo(e.getValue()[1]);
            }
            assertThat(Http.get(node.url(), "/api/drive/store").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void configuredDataLimitIsEnforced(@TempDir Path dir) {
        try (CairnNode node = CairnNode.start(DriveNodes.single(dir, DriveSettings.DEFAULTS.withMaxDataBytes(1024)))) {
            assertThat(DriveNodes.store(node.url(), storeOf(1024)).statusCode()).isEqualTo(200);
            assertThat(DriveNodes.store(node.url(), storeOf(1025)).statusCode()).isEqualTo(413);
        }
    }
}
