package io.cairn.core.apidrive;

import static io.cairn.core.apidrive.HandBson.binary;
import static io.cairn.core.apidrive.HandBson.cat;
import static io.cairn.core.apidrive.HandBson.doc;
import static io.cairn.core.apidrive.HandBson.element;
import static io.cairn.core.apidrive.HandBson.embedded;
import static io.cairn.core.apidrive.HandBson.le32;
import static io.cairn.core.apidrive.HandBson.oldBinary;
import static io.cairn.core.apidrive.HandBson.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DriveCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String HELLO_HEX = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // sha256("hello")
    private static final Address HELLO = Address.parse(HELLO_HEX);
    private static final byte[] HELLO_BYTES = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final String HELLO_HEX_AS_ASCII = HEX.formatHex(HELLO_HEX.getBytes(StandardCharsets.US_ASCII));

    /*
     * Golden bytes, spelled out by hand from bsonspec.org 1.1:
     *   {"Data": binary "hello"}: 4 (length) + 1 (0x05) + 5 ("Data\0") + 4 (int32 5) + 1 (subtype 0)
     *   + 5 (hello) + 1 (0x00) = 21 = 0x15.
     *   {"Id": "<64 hex>"}: 4 + 1 (0x02) + 3 ("Id\0") + 4 (int32 65 = 0x41: 64 chars + NUL) + 64
     *   + 1 (NUL) + 1 (0x00) = 78 = 0x4e.
     *   {"Id": ..., "Data": "hello"}: 4 + 73 (the Id element) + 16 (the Data element) + 1 = 94 = 0x5e.
     */
    private static final byte[] STORE_REQUEST = HEX.parseHex(
            "15000000" + "05" + "4461746100" + "05000000" + "00" + "68656c6c6f" + "00");
    private static final byte[] ID_DOCUMENT = HEX.parseHex(
            "4e000000" + "02" + "496400" + "41000000" + HELLO_HEX_AS_ASCII + "00" + "00");
    private static final byte[] RETRIEVE_RESPONSE = HEX.parseHex(
            "5e000000" + "02" + "496400" + "41000000" + HELLO_HEX_AS_ASCII + "00"
                    + "05" + "4461746100" + "05000000" + "00" + "68656c6c6f" + "00");

    private final DriveCodec codec = new DriveCodec();

    /** The store path's data is lent, not copied (issue #5). */
    @Test
    void storeDataIsAViewOfTheBody() {
        byte[] body = codec.encodeStoreRequest(HELLO_BYTES);
        java.nio.ByteBuffer data = codec.decodeStoreData(body);
        assertThat(data.hasArray() && data.array() == body).isTrue();
        assertThat(data.position()).isZero();
        assertThat(data.remaining()).isEqualTo(HELLO_BYTES.length);
        body[body.length - 2] = 'O'; // the last data byte, before the document's 0x00
        byte[] seen = new byte[data.remaining()];
        data.duplicate().get(seen);
        assertThat(new String(seen, StandardCharsets.US_ASCII)).isEqualTo("hellO");
        assertThat(codec.decodeStoreData(doc(oldBinary("Data", HELLO_BYTES))).remaining()).isEqualTo(5);
    }

    @Test
    void encodesToTheHandWrittenBytes() {
        assertThat(codec.encodeStoreRequest(HELLO_BYTES)).isEqualTo(STORE_REQUEST);
        assertThat(codec.encodeStoreResponse(HELLO)).isEqualTo(ID_DOCUMENT).hasSize(DriveCodec.ID_DOCUMENT_BYTES);
        assertThat(codec.encodeRetrieveRequest(HELLO)).isEqualTo(ID_DOCUMENT);
        assertThat(codec.encodeRetrieveResponse(HELLO, HELLO_BYTES)).isEqualTo(RETRIEVE_RESPONSE);
        // and the independent writer agrees with the spelled-out bytes
        assertThat(doc(binary("Data", 0, HELLO_BYTES))).isEqualTo(STORE_REQUEST);
        assertThat(doc(string("Id", HELLO_HEX), binary("Data", 0, HELLO_BYTES))).isEqualTo(RETRIEVE_RESPONSE);
    }

    @Test
    void decodesTheHandWrittenBytes() {
        assertThat(codec.decodeStoreRequest(STORE_REQUEST)).isEqualTo(HELLO_BYTES);
        assertThat(codec.decodeRetrieveRequest(ID_DOCUMENT)).isEqualTo(HELLO);
        assertThat(codec.decodeStoreResponse(ID_DOCUMENT)).isEqualTo(HELLO);
        DriveCodec.Retrieved r = codec.decodeRetrieveResponse(RETRIEVE_RESPONSE);
        assertThat(r.id()).isEqualTo(HELLO);
        assertThat(r.verify()).isEqualTo(HELLO_BYTES);
    }

    @Test
    void acceptsUpperCaseIdsOldBinaryEmptyDataAndAnyFieldOrder() {
        assertThat(codec.decodeRetrieveRequest(doc(string("Id", HELLO_HEX.toUpperCase())))).isEqualTo(HELLO);
        assertThat(codec.decodeStoreRequest(doc(oldBinary("Data", HELLO_BYTES)))).isEqualTo(HELLO_BYTES);
        assertThat(codec.decodeStoreRequest(doc(binary("Data", 0, new byte[0])))).isEmpty();
        assertThat(codec.decodeRetrieveResponse(doc(binary("Data", 0, HELLO_BYTES), string("Id", HELLO_HEX))).id())
                .isEqualTo(HELLO);
    }

    @Test
    void boundsDataAndBodies() {
        byte[] max = new byte[DriveCodec.DEFAULT_MAX_DATA_BYTES];
        assertThat(codec.decodeStoreRequest(doc(binary("Data", 0, max)))).hasSize(max.length);
        assertThat(codec.decodeStoreRequest(doc(oldBinary("Data", max)))).hasSize(max.length);
        assertThat(doc(oldBinary("Data", max))).hasSize(codec.maxStoreRequestBytes());
        byte[] over = new byte[max.length + 1];
        assertCode(ErrorCode.TOO_LARGE, "Data is 65537 bytes", () -> codec.decodeStoreRequest(doc(binary("Data", 0, over))));
        assertCode(ErrorCode.TOO_LARGE, "exceeds", () -> codec.decodeStoreRequest(new byte[codec.maxStoreRequestBytes() + 1]));
        assertCode(ErrorCode.TOO_LARGE, "exceeds", () -> codec.decodeRetrieveRequest(new byte[2000]));
        assertCode(ErrorCode.TOO_LARGE, "more than", () -> codec.encodeStoreRequest(over));
        DriveCodec small = new DriveCodec(4);
        assertThat(small.decodeStoreRequest(doc(binary("Data", 0, new byte[4])))).hasSize(4);
        assertCode(ErrorCode.TOO_LARGE, "Data is 5 bytes", () -> small.decodeStoreRequest(STORE_REQUEST));
        assertCode(ErrorCode.TOO_LARGE, "", () -> small.decodeRetrieveResponse(RETRIEVE_RESPONSE));
        assertThatThrownBy(() -> new DriveCodec(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesEveryTruncation() {
        for (byte[] golden : new byte[][] {STORE_REQUEST, ID_DOCUMENT, RETRIEVE_RESPONSE}) {
            for (int length = 0; length < golden.length; length++) {
                byte[] cut = Arrays.copyOf(golden, length);
                assertBadOrTooLarge("truncated to " + length, () -> decodeLike(golden, cut));
            }
        }
    }

    @Test
    void refusesWrongLengthFieldsAndTrailingBytes() {
        assertBad("extra bytes after the document", () -> codec.decodeStoreRequest(cat(STORE_REQUEST, new byte[] {0})));
        assertBad("extra bytes after the document", () -> codec.decodeRetrieveRequest(cat(ID_DOCUMENT, ID_DOCUMENT)));
        for (int declared : new int[] {0, 4, 20, 22, 1000, -1, Integer.MAX_VALUE}) {
            byte[] b = cat(le32(declared), Arrays.copyOfRange(STORE_REQUEST, 4, STORE_REQUEST.length));
            assertBad(declared == 20 ? "extra bytes" : "length field", () -> codec.decodeStoreRequest(b));
        }
        byte[] noTerminator = STORE_REQUEST.clone();
        noTerminator[noTerminator.length - 1] = 1;
        assertBad("does not end with 0x00", () -> codec.decodeStoreRequest(noTerminator));
        // an inner length that runs past the document, though the outer frame is right
        byte[] hugeBinary = doc(cat(new byte[] {0x05}, HandBson.cstring("Data"), le32(0x7fff0000), new byte[] {0}, HELLO_BYTES));
        assertCode(ErrorCode.TOO_LARGE, "more than", () -> codec.decodeStoreRequest(hugeBinary));
        byte[] negativeBinary = doc(cat(new byte[] {0x05}, HandBson.cstring("Data"), le32(-5), new byte[] {0}, HELLO_BYTES));
        assertBad("malformed BSON", () -> codec.decodeStoreRequest(negativeBinary));
        byte[] longString = doc(cat(new byte[] {0x02}, HandBson.cstring("Id"), le32(200), HELLO_BYTES, new byte[] {0}));
        assertBad("malformed BSON", () -> codec.decodeRetrieveRequest(longString));
        byte[] shortString = doc(cat(new byte[] {0x02}, HandBson.cstring("Id"), le32(2), HELLO_BYTES, new byte[] {0}));
        assertBad("malformed BSON", () -> codec.decodeRetrieveRequest(shortString));
        byte[] unterminatedName = cat(le32(9), new byte[] {0x02, 'I', 'd', 'x', 0});
        assertBad("unknown field \"Idx\"", () -> codec.decodeRetrieveRequest(unterminatedName));
    }

    @Test
    void refusesMissingDuplicateUnknownAndWronglyTypedFields() {
        assertBad("missing field Data", () -> codec.decodeStoreRequest(doc()));
        assertBad("missing field Data", () -> codec.decodeRetrieveResponse(doc(string("Id", HELLO_HEX))));
        assertBad("missing field Id", () -> codec.decodeRetrieveResponse(doc(binary("Data", 0, HELLO_BYTES))));
        assertBad("duplicate field \"Data\"", () -> codec.decodeStoreRequest(doc(binary("Data", 0, HELLO_BYTES), binary("Data", 0, HELLO_BYTES))));
        assertBad("duplicate field \"Id\"", () -> codec.decodeRetrieveRequest(doc(string("Id", HELLO_HEX), string("Id", HELLO_HEX))));
        assertBad("unknown field \"x\"", () -> codec.decodeStoreRequest(doc(binary("Data", 0, HELLO_BYTES), element(0x0a, "x", new byte[0]))));
        assertBad("unknown field \"data\"", () -> codec.decodeStoreRequest(doc(binary("data", 0, HELLO_BYTES))));
        assertBad("unknown field \"Id\"", () -> codec.decodeStoreRequest(doc(binary("Data", 0, HELLO_BYTES), string("Id", HELLO_HEX))));
        assertBad("unknown field \"\\u000a\"", () -> codec.decodeStoreRequest(doc(element(0x0a, "\n", new byte[0]))));
        assertBad("must be binary, not document", () -> codec.decodeStoreRequest(doc(embedded("Data", doc(binary("Data", 0, HELLO_BYTES))))));
        assertBad("must be string, not document", () -> codec.decodeRetrieveRequest(doc(embedded("Id", doc(string("Id", HELLO_HEX))))));
        assertBad("must be binary, not array", () -> codec.decodeStoreRequest(doc(element(0x04, "Data", doc(binary("0", 0, HELLO_BYTES))))));
        assertBad("must be binary, not string", () -> codec.decodeStoreRequest(doc(string("Data", "hello"))));
        assertBad("must be string, not int32", () -> codec.decodeRetrieveRequest(doc(element(0x10, "Id", le32(7)))));
        assertBad("must be string, not binary", () -> codec.decodeRetrieveRequest(doc(binary("Id", 0, HELLO.toBytes()))));
        assertBad("unknown BSON type", () -> codec.decodeRetrieveRequest(doc(element(0x20, "Id", le32(7)))));
    }

    @Test
    void refusesOtherBinarySubtypesAndInconsistentOldBinary() {
        for (int subtype : new int[] {0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x80, 0xff}) {
            assertBad(String.format("subtype 0x%02x", subtype), () -> codec.decodeStoreRequest(doc(binary("Data", subtype, HELLO_BYTES))));
        }
        byte[] inconsistent = doc(cat(new byte[] {0x05}, HandBson.cstring("Data"), le32(9), new byte[] {2}, le32(4), HELLO_BYTES));
        assertBad("OldBinary has inconsistent sizes", () -> codec.decodeStoreRequest(inconsistent));
    }

    @Test
    void refusesIdsThatAreNotAddresses() {
        for (String id : new String[] {"", "abc", HELLO_HEX.substring(1), HELLO_HEX + "0", "z" + HELLO_HEX.substring(1),
                "../../etc/passwd", HELLO_HEX.substring(0, 63) + "\u00e9"}) {
            assertBad("Id is not an address", () -> codec.decodeRetrieveRequest(doc(string("Id", id))));
        }
    }

    /** Every bit flip outside the payload is refused; inside it, it changes the payload, nothing else. */
    @Test
    void refusesOrContainsEveryBitFlip() {
        for (int bit = 0; bit < STORE_REQUEST.length * 8; bit++) {
            byte[] flipped = flip(STORE_REQUEST, bit);
            boolean inPayload = bit / 8 >= 15 && bit / 8 < 20;
            if (inPayload) {
                assertThat(codec.decodeStoreRequest(flipped)).as("bit %d", bit).isNotEqualTo(HELLO_BYTES).hasSize(5);
            } else {
                assertBadOrTooLarge("bit " + bit, () -> codec.decodeStoreRequest(flipped));
            }
        }
        for (int bit = 0; bit < ID_DOCUMENT.length * 8; bit++) {
            byte[] flipped = flip(ID_DOCUMENT, bit);
            boolean inHex = bit / 8 >= 12 && bit / 8 < 76;
            if (inHex && isHexDigit(flipped[bit / 8])) { // another digit, or the same in the other case
                String hex = new String(flipped, 12, 64, StandardCharsets.US_ASCII);
                assertThat(codec.decodeRetrieveRequest(flipped)).as("bit %d", bit).isEqualTo(Address.parse(hex));
            } else {
                assertBadOrTooLarge("bit " + bit, () -> codec.decodeRetrieveRequest(flipped));
            }
        }
    }

    @Test
    void roundTripsRandomData() {
        long seed = 5150;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[random.nextInt(DriveCodec.DEFAULT_MAX_DATA_BYTES + 1)];
            random.nextBytes(data);
            Address id = Address.of(data);
            assertThat(codec.decodeStoreRequest(codec.encodeStoreRequest(data))).as("seed %d", seed).isEqualTo(data);
            DriveCodec.Retrieved r = codec.decodeRetrieveResponse(codec.encodeRetrieveResponse(id, data));
            assertThat(r.verify()).as("seed %d", seed).isEqualTo(data);
            assertThat(codec.decodeStoreRequest(doc(binary("Data", 0, data)))).as("seed %d", seed).isEqualTo(data);
        }
        DriveCodec.Retrieved lying = new DriveCodec.Retrieved(HELLO, "world".getBytes(StandardCharsets.US_ASCII));
        assertCode(ErrorCode.HASH_MISMATCH, "does not match", lying::verify);
    }

    private void decodeLike(byte[] golden, byte[] body) {
        if (golden == STORE_REQUEST) {
            codec.decodeStoreRequest(body);
        } else if (golden == ID_DOCUMENT) {
            codec.decodeRetrieveRequest(body);
        } else {
            codec.decodeRetrieveResponse(body);
        }
    }

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }

    private static boolean isHexDigit(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static void assertBad(String messagePart, Runnable decode) {
        assertCode(ErrorCode.BAD_REQUEST, messagePart, decode);
    }

    private static void assertBadOrTooLarge(String what, Runnable decode) {
        assertThatThrownBy(decode::run).as(what).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isIn(ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE));
    }

    private static void assertCode(ErrorCode code, String messagePart, Runnable r) {
        Consumer<CairnException> check = e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        };
        assertThatThrownBy(r::run).as(messagePart).isInstanceOfSatisfying(CairnException.class, check);
    }
}
