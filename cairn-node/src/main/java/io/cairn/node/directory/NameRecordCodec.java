package io.cairn.node.directory;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.names.NameEntryCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link NameRecord}, format 1: how a node keeps records in its metadata
 * store ({@code directory.mv}) and sends them to its peers. Big-endian; E is the length of the
 * embedded {@link NameEntryCodec} entry (format 1, 99..1122 bytes, with its own CRC).
 *
 * <table>
 *   <caption>NameRecord format 1</caption>
 *   <tr><th>offset</th><th>bytes</th><th>field</th><th>rule</th></tr>
 *   <tr><td>0</td><td>1</td><td>format</td><td>0x01</td></tr>
 *   <tr><td>1</td><td>1</td><td>kind</td><td>0 = a single block, 1 = a file (the address is its manifest)</td></tr>
 *   <tr><td>2</td><td>4</td><td>client flags</td><td>memcache flags, unsigned</td></tr>
 *   <tr><td>6</td><td>8</td><td>expires</td><td>epoch seconds, ≥ 0; 0 = never</td></tr>
 *   <tr><td>14</td><td>E</td><td>entry</td><td>a NameEntry, format 1</td></tr>
 *   <tr><td>14+E</td><td>4</td><td>CRC32C</td><td>of bytes 0 .. 13+E</td></tr>
 * </table>
 *
 * <p>A batch (the body of the internal directory calls, content type
 * {@value #BATCH_CONTENT_TYPE}) is records one after another, each preceded by its length as a
 * 4-byte unsigned big-endian integer; at most {@value #MAX_BATCH_RECORDS} records. Decoding checks
 * every rule and refuses the whole batch on the first broken one (BAD_REQUEST).
 */
public final class NameRecordCodec {
    public static final int FORMAT = 1;
    public static final int HEADER_BYTES = 14;
    public static final int MAX_BYTES = HEADER_BYTES + NameEntryCodec.MAX_BYTES + 4;
    public static final String BATCH_CONTENT_TYPE = "application/vnd.cairn.names";
    public static final int MAX_BATCH_RECORDS = 20_000;
    /** Largest batch body: MAX_BATCH_RECORDS records of the largest size, framed. */
    public static final int MAX_BATCH_BYTES = MAX_BATCH_RECORDS * (MAX_BYTES + 4);

    private NameRecordCodec() {}

    public static byte[] encode(NameRecord r) {
        byte[] entry = NameEntryCodec.encode(r.entry());
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + entry.length + 4);
        out.put((byte) FORMAT);
        out.put((byte) (r.file() ? 1 : 0));
        out.putInt(r.clientFlags());
        out.putLong(r.expiresEpochSecond());
        out.put(entry);
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    public static NameRecord decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static NameRecord decode(byte[] bytes, int offset, int length) {
        if (length < HEADER_BYTES + NameEntryCodec.FIXED_BYTES + 1 + 4 || length > MAX_BYTES) {
            throw bad("length " + length + " is out of range");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        int format = in.get() & 0xff;
        if (format != FORMAT) {
            throw bad("unknown format " + format);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, offset + length - 4, 4).getInt()) {
            throw bad("checksum mismatch");
        }
        int kind = in.get() & 0xff;
        if (kind > 1) {
            throw bad("unknown kind " + kind);
        }
        int flags = in.getInt();
        long expires = in.getLong();
        if (expires < 0) {
            throw bad("negative expiry");
        }
        byte[] entry = new byte[length - HEADER_BYTES - 4];
        in.get(entry);
        var decoded = NameEntryCodec.decode(entry);
        if (kind == 1 && decoded.deleted()) {
            throw bad("a tombstone names no file");
        }
        return new NameRecord(decoded, kind == 1, flags, expires);
    }

    /** Frames records into one batch body. */
    public static byte[] encodeBatch(List<NameRecord> records) {
        if (records.size() > MAX_BATCH_RECORDS) {
            throw new IllegalArgumentException("at most " + MAX_BATCH_RECORDS + " records per batch");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.size() * 160 + 4);
        for (NameRecord r : records) {
            byte[] b = encode(r);
            out.write(b.length >>> 24);
            out.write(b.length >>> 16);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    public static List<NameRecord> decodeBatch(byte[] body) {
        List<NameRecord> out = new ArrayList<>();
        int i = 0;
        while (i < body.length) {
            if (body.length - i < 4) {
                throw bad("truncated length at offset " + i);
            }
            int len = ByteBuffer.wrap(body, i, 4).getInt();
            i += 4;
            if (len < 0 || len > MAX_BYTES || len > body.length - i) {
                throw bad("record length " + len + " at offset " + (i - 4) + " is out of range");
            }
            if (out.size() == MAX_BATCH_RECORDS) {
                throw bad("more than " + MAX_BATCH_RECORDS + " records");
            }
            out.add(decode(body, i, len));
            i += len;
        }
        return out;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "not a name record: " + why);
    }
}
