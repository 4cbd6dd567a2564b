package io.cairn.core.apidrive;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BSONException;
import org.bson.BsonBinary;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.BsonType;
import org.bson.io.BasicOutputBuffer;

/**
 * The BSON bodies of the API Drive endpoints (SPEC §3.3, seed: API Drive). The storage role uses
 * the request decoders and response encoders; {@code cairn get} on a seed manifest uses the other
 * half. Pure: bytes in, values out.
 *
 * <table>
 *   <caption>messages (BSON spec 1.1, bsonspec.org; all integers little-endian)</caption>
 *   <tr><th>message</th><th>fields, exactly these</th><th>size in bytes</th></tr>
 *   <tr><td>store request, {@code POST /api/drive/store}</td><td>{@code Data}: binary</td><td>20 + data (subtype 0)</td></tr>
 *   <tr><td>store response</td><td>{@code Id}: string</td><td>78</td></tr>
 *   <tr><td>retrieve request, {@code POST /api/drive/retrieve}</td><td>{@code Id}: string</td><td>78</td></tr>
 *   <tr><td>retrieve response</td><td>{@code Id}: string, {@code Data}: binary</td><td>94 + data (subtype 0)</td></tr>
 * </table>
 *
 * <table>
 *   <caption>field encodings</caption>
 *   <tr><th>field</th><th>element bytes</th><th>rule</th></tr>
 *   <tr><td>{@code Id}</td><td>0x02, "Id\0", int32 65, 64 ASCII hex, 0x00</td><td>an address;
 *       either case accepted, lower case written</td></tr>
 *   <tr><td>{@code Data}</td><td>0x05, "Data\0", int32 n, subtype 0x00, n bytes</td><td>0 ≤ n ≤
 *       {@code maxDataBytes} (default 64 KiB); over it is TOO_LARGE</td></tr>
 *   <tr><td>{@code Data}, old form</td><td>0x05, "Data\0", int32 n+4, subtype 0x02, int32 n, n bytes</td>
 *       <td>accepted on input (deprecated by the spec, but what some old encoders still write; the
 *       two lengths must agree); never written</td></tr>
 * </table>
 *
 * <p>Decoding is strict, because these bodies come from anyone (the endpoints are public): the
 * body must be exactly one document, its int32 length equal to the body's length and its last
 * byte 0x00, so a truncated or padded body, or trailing bytes, are refused before any parsing.
 * Every field the message names must be present once with its type; a missing, duplicated,
 * wrongly typed (a nested document too) or unknown field is refused, as is a binary subtype other
 * than 0x00 or 0x02. Refusing unknown fields costs nothing with the seed, whose messages have
 * exactly these fields, and keeps a typo from silently storing nothing. Every refusal is a
 * BAD_REQUEST naming the rule, except size, which is TOO_LARGE. A body longer than the largest
 * valid message is refused before parsing; callers should bound how much they read with
 * {@link #maxStoreRequestBytes()} and {@link #maxRetrieveResponseBytes()}.
 */
public final class DriveCodec {
    public static final int DEFAULT_MAX_DATA_BYTES = 64 * 1024;
    /** {@code {"Id": <64 hex>}}: 4 length + 1 type + 3 "Id\0" + 4 + 65 string + 1 end. */
    public static final int ID_DOCUMENT_BYTES = 78;
    /** Store request bytes around the data: 4 + 1 + 5 "Data\0" + 4 + 1 subtype + 4 (old form) + 1. */
    static final int STORE_OVERHEAD_BYTES = 20;
    static final int RETRIEVE_OVERHEAD_BYTES = ID_DOCUMENT_BYTES + 16;
    /**
     * Bound for parsing the messages that hold only an Id: valid ones are exactly 78 bytes, but a
     * little slack lets a slightly wrong body get a precise BAD_REQUEST instead of a bare TOO_LARGE.
     */
    public static final int MAX_ID_DOCUMENT_BYTES = 1024;
    private static final byte SUBTYPE_GENERIC = 0x00;
    private static final byte SUBTYPE_OLD_BINARY = 0x02;
    private static final Map<String, BsonType> FIELD_TYPES = Map.of("Id", BsonType.STRING, "Data", BsonType.BINARY);

    private final int maxDataBytes;

    /** A codec with the seed's limit of 64 KiB of data per message. */
    public DriveCodec() {
        this(DEFAULT_MAX_DATA_BYTES);
    }

    /** @param maxDataBytes the largest {@code Data}, 1 byte to 4 MiB (one block) */
    public DriveCodec(int maxDataBytes) {
        if (maxDataBytes < 1 || maxDataBytes > Manifest.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("maxDataBytes must be 1.." + Manifest.MAX_CHUNK_SIZE + ", got " + maxDataBytes);
        }
        this.maxDataBytes = maxDataBytes;
    }

    public int maxDataBytes() {
        return maxDataBytes;
    }

    /** The most bytes worth reading for a store request; more is TOO_LARGE. */
    public int maxStoreRequestBytes() {
        return maxDataBytes + STORE_OVERHEAD_BYTES;
    }

    /** The most bytes worth reading for a retrieve response; more is TOO_LARGE. */
    public int maxRetrieveResponseBytes() {
        return maxDataBytes + RETRIEVE_OVERHEAD_BYTES;
    }

    /** The data of a store request, copied out of the body. */
    public byte[] decodeStoreRequest(byte[] body) {
        return copy(decodeStoreData(body));
    }

    /**
     * The data of a store request as a view of {@code body}, without copying it (issue #5: the
     * store path's 64 KiB need not be copied once more); the same checks as
     * {@link #decodeStoreRequest}. The deprecated subtype 0x02 form is copied (it is rare). Not
     * read-only on purpose: SHA-256 and CRC32C read a heap buffer's array directly, but copy a
     * read-only one through a temporary array first.
     */
    public ByteBuffer decodeStoreData(byte[] body) {
        return (ByteBuffer) read(body, maxStoreRequestBytes(), "store request", List.of("Data")).get("Data");
    }

    /** The address a retrieve request asks for. */
    public Address decodeRetrieveRequest(byte[] body) {
        return (Address) read(body, MAX_ID_DOCUMENT_BYTES, "retrieve request", List.of("Id")).get("Id");
    }

    /** The address a store response reports. */
    public Address decodeStoreResponse(byte[] body) {
        return (Address) read(body, MAX_ID_DOCUMENT_BYTES, "store response", List.of("Id")).get("Id");
    }

    /** A retrieve response; the caller checks {@link Retrieved#verify()} before trusting the data. */
    public Retrieved decodeRetrieveResponse(byte[] body) {
        Map<String, Object> fields = read(body, maxRetrieveResponseBytes(), "retrieve response", List.of("Id", "Data"));
        return new Retrieved((Address) fields.get("Id"), copy((ByteBuffer) fields.get("Data")));
    }

    public byte[] encodeStoreRequest(byte[] data) {
        return write(null, checkSize(data));
    }

    public byte[] encodeRetrieveRequest(Address id) {
        return write(id, null);
    }

    public byte[] encodeStoreResponse(Address id) {
        return write(id, null);
    }

    public byte[] encodeRetrieveResponse(Address id, byte[] data) {
        return write(id, checkSize(data));
    }

    /** The body of a retrieve response: the address it claims and the bytes it carries. */
    public record Retrieved(Address id, byte[] data) {
        /**
         * The data, once it hashes to the id.
         *
         * @throws CairnException HASH_MISMATCH when it does not
         */
        public byte[] verify() {
            if (!id.matches(data, 0, data.length)) {
                throw new CairnException(ErrorCode.HASH_MISMATCH, "retrieved data does not match its Id " + id);
            }
            return data;
        }
    }

    private byte[] checkSize(byte[] data) {
        if (data.length > maxDataBytes) {
            throw new CairnException(ErrorCode.TOO_LARGE, "Data is " + data.length + " bytes, more than " + maxDataBytes);
        }
        return data;
    }

    private static byte[] write(Address id, byte[] data) {
        BasicOutputBuffer out = new BasicOutputBuffer(RETRIEVE_OVERHEAD_BYTES + (data == null ? 0 : data.length));
        try (BsonBinaryWriter writer = new BsonBinaryWriter(out)) {
            writer.writeStartDocument();
            if (id != null) {
                writer.writeString("Id", id.hex());
            }
            if (data != null) {
                writer.writeBinaryData("Data", new BsonBinary(SUBTYPE_GENERIC, data));
            }
            writer.writeEndDocument();
        }
        return out.toByteArray();
    }

    private static byte[] copy(ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }

    /**
     * Reads a top-level document holding exactly {@code expected} fields; values are Address or a
     * ByteBuffer (a view of {@code body} for subtype 0x00).
     */
    private Map<String, Object> read(byte[] body, int maxBytes, String what, List<String> expected) {
        if (body.length > maxBytes) {
            throw new CairnException(ErrorCode.TOO_LARGE, what + " of " + body.length + " bytes exceeds " + maxBytes);
        }
        checkFrame(body, what);
        Map<String, Object> fields = new HashMap<>();
        try (BsonBinaryReader reader = new BsonBinaryReader(ByteBuffer.wrap(body))) {
            reader.readStartDocument();
            BsonType type;
            while ((type = reader.readBsonType()) != BsonType.END_OF_DOCUMENT) {
                String name = reader.readName();
                if (!expected.contains(name)) {
                    throw bad(what, "unknown field " + quote(name) + "; expected exactly " + expected);
                }
                if (fields.containsKey(name)) {
                    throw bad(what, "duplicate field " + quote(name));
                }
                if (type != FIELD_TYPES.get(name)) {
                    throw bad(what, "field " + name + " must be " + FIELD_TYPES.get(name).name().toLowerCase(Locale.ROOT)
                            + ", not " + type.name().toLowerCase(Locale.ROOT));
                }
                fields.put(name, type == BsonType.STRING ? readId(reader, what) : readData(reader, body, what));
            }
            reader.readEndDocument();
        } catch (BSONException e) {
            throw bad(what, "malformed BSON: " + e.getMessage());
        }
        for (String name : expected) {
            if (!fields.containsKey(name)) {
                throw bad(what, "missing field " + name);
            }
        }
        return fields;
    }

    /** The outer frame, checked before the parser sees anything. */
    private static void checkFrame(byte[] body, String what) {
        if (body.length < 5) {
            throw bad(what, "body of " + body.length + " bytes is shorter than the smallest BSON document (5)");
        }
        int declared = ByteBuffer.wrap(body, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        if (declared < body.length && declared >= 5) {
            throw bad(what, (body.length - declared) + " extra bytes after the document");
        }
        if (declared != body.length) {
            throw bad(what, "document length field says " + Integer.toUnsignedString(declared)
                    + " bytes but the body has " + body.length);
        }
        if (body[body.length - 1] != 0) {
            throw bad(what, "document does not end with 0x00");
        }
    }

    private static Address readId(BsonBinaryReader reader, String what) {
        String text = reader.readString();
        try {
            return Address.parse(text);
        } catch (CairnException e) {
            throw bad(what, "Id is not an address: " + e.getMessage());
        }
    }

    private ByteBuffer readData(BsonBinaryReader reader, byte[] body, String what) {
        byte subtype = reader.peekBinarySubType();
        if (subtype != SUBTYPE_GENERIC && subtype != SUBTYPE_OLD_BINARY) {
            throw bad(what, String.format("Data has binary subtype 0x%02x; only 0x00 (generic) and 0x02 (old binary)"
                    + " are accepted", subtype));
        }
        int size = reader.peekBinarySize() - (subtype == SUBTYPE_OLD_BINARY ? 4 : 0);
        if (size > maxDataBytes) {
            throw new CairnException(ErrorCode.TOO_LARGE, what + ": Data is " + size + " bytes, more than " + maxDataBytes);
        }
        if (subtype == SUBTYPE_OLD_BINARY) {
            // the library checks that the two lengths agree
            return ByteBuffer.wrap(reader.readBinaryData().getData());
        }
        // the value: int32 size, subtype byte, then the bytes; the frame check bounds them by the body
        int start = reader.getBsonInput().getPosition() + 5;
        if (size < 0 || start + size > body.length - 1) {
            throw bad(what, "malformed BSON: Data of " + size + " bytes does not fit in the document");
        }
        reader.skipValue();
        return ByteBuffer.wrap(body, start, size).slice();
    }

    private static String quote(String name) {
        StringBuilder sb = new StringBuilder("\"");
        name.codePoints().limit(40).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || cp == '"' || cp == '\\' || cp == 0xfffd) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append(name.codePointCount(0, name.length()) > 40 ? "…\"" : "\"").toString();
    }

    private static CairnException bad(String what, String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, what + ": " + why);
    }
}
