package io.cairn.store;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One record of a segment file: a fixed 68-byte header, then the content (BLOCK records only).
 * The layout is the table in docs/STORAGE.md; {@code SegmentRecordFormatTest} pins it with golden
 * bytes. All integers are big-endian.
 *
 * <pre>
 * off size field
 *   0   4  magic 0x63626C6B ("cblk")
 *   4   1  format version (1)
 *   5   1  kind: 1 BLOCK, 2 TOMBSTONE, 3 LEASE
 *   6   2  reserved, 0
 *   8  32  address (SHA-256 of the block's content)
 *  40   8  sequence: BLOCK its own number (kept by compaction copies), TOMBSTONE the number below
 *          which every BLOCK record of the address is dead, LEASE its own number
 *  48   8  aux: BLOCK and LEASE the lease (epoch seconds, Long.MAX_VALUE = never),
 *          TOMBSTONE the id of the segment that held the deleted record
 *  56   4  content length (BLOCK; 0 otherwise)
 *  60   4  CRC32C of the content (BLOCK; 0 otherwise)
 *  64   4  CRC32C of bytes 0..63
 * </pre>
 *
 * Why a header CRC separate from the content CRC: recovery must trust the length field before it
 * reads the content, and a torn or rotted length must not send it 4 GiB into the weeds.
 */
final class SegmentRecord {
    static final int MAGIC = 0x63626C6B;
    static final byte VERSION = 1;
    static final byte BLOCK = 1;
    static final byte TOMBSTONE = 2;
    static final byte LEASE = 3;
    static final int HEADER_BYTES = 68;
    /** The largest block content (SPEC §3.1: at most 4 MiB). */
    static final int MAX_CONTENT_BYTES = 4 * 1024 * 1024;

    /** A decoded, header-CRC-checked header. */
    record Header(byte kind, Address address, long seq, long aux, int length, int contentCrc) {
        int recordBytes() {
            return HEADER_BYTES + length;
        }
    }

    private SegmentRecord() {}

    /** Writes a header at the buffer's position (advancing it by 68). */
    static void writeHeader(ByteBuffer out, byte kind, Address address, long seq, long aux, int length, int contentCrc) {
        int start = out.position();
        out.putInt(MAGIC).put(VERSION).put(kind).putShort((short) 0);
        address.writeTo(out);
        out.putLong(seq).putLong(aux).putInt(length).putInt(contentCrc);
        out.putInt(crc(out, start, 64));
    }

    static ByteBuffer header(byte kind, Address address, long seq, long aux, int length, int contentCrc) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        writeHeader(b, kind, address, seq, aux, length, contentCrc);
        return b.flip();
    }

    /**
     * Decodes the header at {@code in}'s absolute index {@code at}, or null when it is not a valid
     * header (wrong magic, unknown version or kind, bad header CRC, length out of range).
     */
    static Header readHeader(ByteBuffer in, int at) {
        if (in.limit() - at < HEADER_BYTES || in.getInt(at) != MAGIC || in.get(at + 4) != VERSION) {
            return null;
        }
        if (crc(in, at, 64) != in.getInt(at + 64)) {
            return null;
        }
        byte kind = in.get(at + 5);
        int length = in.getInt(at + 56);
        if (kind < BLOCK || kind > LEASE || length < 0 || length > MAX_CONTENT_BYTES || (kind != BLOCK && length != 0)) {
            return null;
        }
        Address address = Address.readFrom(in.slice(at + 8, Address.BYTES));
        return new Header(kind, address, in.getLong(at + 40), in.getLong(at + 48), length, in.getInt(at + 60));
    }

    static int crc(ByteBuffer in, int at, int length) {
        CRC32C crc = new CRC32C();
        crc.update(in.slice(at, length));
        return (int) crc.getValue();
    }

    static int contentCrc(ByteBuffer content) {
        CRC32C crc = new CRC32C();
        crc.update(content.duplicate());
        return (int) crc.getValue();
    }

    /** Refuses what must never be stored: too large (TOO_LARGE) or not matching its address (HASH_MISMATCH). */
    static void checkPutable(Address address, ByteBuffer content) {
        checkSize(content);
        if (!address.matches(content)) {
            throw new CairnException(ErrorCode.HASH_MISMATCH, "content does not hash to " + address);
        }
    }

    /** Refuses content too large for a block (TOO_LARGE). */
    static void checkSize(ByteBuffer content) {
        if (content.remaining() > MAX_CONTENT_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "a block is at most " + MAX_CONTENT_BYTES + " bytes, got " + content.remaining());
        }
    }

    /** Maps an I/O failure of a write to the error the node answers: 507 for a full disk, else 500. */
    static CairnException storageFailure(String what, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || message.contains("Disk quota exceeded")) {
            return new CairnException(ErrorCode.INSUFFICIENT_STORAGE, what + ": disk full", e);
        }
        return new CairnException(ErrorCode.INTERNAL, what + ": " + message, e);
    }
}
