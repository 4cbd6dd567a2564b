package io.cairn.core.names;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The binary form of a {@link NameEntry}, format 1: how directory nodes store entries and send
 * them to each other. Big-endian, fixed layout but for the name, 98 + L bytes in all.
 *
 * <table>
 *   <caption>NameEntry format 1 (L = name length in bytes)</caption>
 *   <tr><th>offset</th><th>bytes</th><th>field</th><th>rule</th></tr>
 *   <tr><td>0</td><td>1</td><td>format</td><td>0x01</td></tr>
 *   <tr><td>1</td><td>1</td><td>flags</td><td>bit 0: tombstone; bits 1–7 zero</td></tr>
 *   <tr><td>2</td><td>2</td><td>L</td><td>unsigned, 1..1024</td></tr>
 *   <tr><td>4</td><td>L</td><td>name</td><td>UTF-8, a valid {@link Name}</td></tr>
 *   <tr><td>4+L</td><td>32</td><td>address</td><td>all zero for a tombstone</td></tr>
 *   <tr><td>36+L</td><td>8</td><td>size</td><td>signed, ≥ 0; 0 for a tombstone</td></tr>
 *   <tr><td>44+L</td><td>8</td><td>version physical ms</td><td>signed, ≥ 0</td></tr>
 *   <tr><td>52+L</td><td>2</td><td>version logical</td><td>unsigned, 0..65535</td></tr>
 *   <tr><td>54+L</td><td>32</td><td>version writer</td><td>node ID bytes</td></tr>
 *   <tr><td>86+L</td><td>8</td><td>updatedAt</td><td>signed ms since the epoch</td></tr>
 *   <tr><td>94+L</td><td>4</td><td>CRC32C</td><td>of bytes 0 .. 93+L</td></tr>
 * </table>
 *
 * Decoding takes exactly one entry's bytes (framing is the caller's) and checks every rule and the
 * checksum; anything else is a BAD_REQUEST naming the broken rule, never a partial entry. The
 * checksum catches bit rot in stored entries; it is no defence against tampering.
 */
public final class NameEntryCodec {
    public static final int FORMAT = 1;
    public static final int FIXED_BYTES = 98;
    public static final int MAX_BYTES = FIXED_BYTES + Name.MAX_BYTES;
    private static final int TOMBSTONE = 0x01;

    private NameEntryCodec() {}

    public static byte[] encode(NameEntry e) {
        byte[] name = e.name().rawUtf8();
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + name.length);
        out.put((byte) FORMAT);
        out.put((byte) (e.deleted() ? TOMBSTONE : 0));
        out.putShort((short) name.length);
        out.put(name);
        out.put(e.deleted() ? new byte[Address.BYTES] : e.address().toBytes());
        out.putLong(e.size());
        out.putLong(e.version().physicalMs());
        out.putShort((short) e.version().logical());
        out.put(e.version().writer().toBytes());
        out.putLong(e.updatedAt().toEpochMilli());
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    public static NameEntry decode(byte[] bytes) {
        if (bytes.length < FIXED_BYTES + 1 || bytes.length > MAX_BYTES) {
            throw bad("length " + bytes.length + " is outside " + (FIXED_BYTES + 1) + ".." + MAX_BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int format = in.get() & 0xff;
        if (format != FORMAT) {
            throw bad("unknown format " + format);
        }
        int flags = in.get() & 0xff;
        if ((flags & ~TOMBSTONE) != 0) {
            throw bad("unknown flags 0x" + Integer.toHexString(flags));
        }
        int nameLength = in.getShort() & 0xffff;
        if (bytes.length != FIXED_BYTES + nameLength) {
            throw bad("name length " + nameLength + " disagrees with entry length " + bytes.length);
        }
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != crc(bytes, bytes.length - 4)) {
            throw bad("checksum mismatch");
        }
        byte[] nameBytes = new byte[nameLength];
        in.get(nameBytes);
        Name name = Name.ofUtf8(nameBytes);
        byte[] address = new byte[Address.BYTES];
        in.get(address);
        long size = in.getLong();
        long physicalMs = in.getLong();
        int logical = in.getShort() & 0xffff;
        byte[] writer = new byte[NodeId.BYTES];
        in.get(writer);
        Instant updatedAt = Instant.ofEpochMilli(in.getLong());
        boolean deleted = (flags & TOMBSTONE) != 0;
        if (size < 0 || physicalMs < 0) {
            throw bad("negative size or time");
        }
        if (deleted && (size != 0 || !allZero(address))) {
            throw bad("a tombstone must have a zero address and size");
        }
        Version version = new Version(new HlcTime(physicalMs, logical), NodeId.ofBytes(writer));
        return new NameEntry(name, deleted ? null : Address.ofBytes(address), size, version, deleted, updatedAt);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "not a name entry: " + why);
    }
}
