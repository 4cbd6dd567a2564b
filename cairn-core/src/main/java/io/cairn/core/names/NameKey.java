package io.cairn.core.names;

import io.cairn.core.Address;
import io.cairn.core.Hex;
import java.security.MessageDigest;

/**
 * A point on the directory ring: an unsigned 128-bit integer (SPEC §1). The key of a name is the
 * first 128 bits of SHA-256 of its UTF-8 bytes; {@link HashRing} places its virtual nodes in the
 * same space. Held as two longs so that comparing is two unsigned compares, no allocation.
 *
 * <table>
 *   <caption>forms</caption>
 *   <tr><th>form</th><th>layout</th></tr>
 *   <tr><td>bytes</td><td>16 bytes, big-endian: SHA-256 output bytes 0..15</td></tr>
 *   <tr><td>hex</td><td>32 lowercase hex characters of those bytes</td></tr>
 *   <tr><td>longs</td><td>{@code hi} = bytes 0..7, {@code lo} = bytes 8..15, both big-endian, read unsigned</td></tr>
 * </table>
 *
 * @param hi the most significant 64 bits, read unsigned
 * @param lo the least significant 64 bits, read unsigned
 */
public record NameKey(long hi, long lo) implements Comparable<NameKey> {
    public static final int BYTES = 16;

    /** The key of a name. */
    public static NameKey of(Name name) {
        MessageDigest sha = Address.sha256();
        sha.update(name.rawUtf8());
        return ofDigestPrefix(sha.digest());
    }

    /** The key made of the first 16 bytes of a longer digest (or exactly 16 bytes). */
    public static NameKey ofDigestPrefix(byte[] digest) {
        if (digest.length < BYTES) {
            throw new IllegalArgumentException("need at least 16 bytes, got " + digest.length);
        }
        return new NameKey(bigEndianLong(digest, 0), bigEndianLong(digest, 8));
    }

    /** Parses 32 hex characters in either case; anything else is a BAD_REQUEST. */
    public static NameKey parse(CharSequence hex) {
        return ofDigestPrefix(Hex.decode(hex, BYTES, "name key"));
    }

    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return out;
    }

    public String hex() {
        return Hex.encode(toBytes());
    }

    @Override
    public int compareTo(NameKey other) {
        int c = Long.compareUnsigned(hi, other.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, other.lo);
    }

    @Override
    public String toString() {
        return hex();
    }

    private static long bigEndianLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
