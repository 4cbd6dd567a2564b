package io.cairn.core;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The address of a block: SHA-256 of its bytes (SPEC §1). Immutable; compares as an unsigned
 * big-endian 256-bit integer. Parsing accepts either case and refuses anything that is not 64 hex
 * characters with a BAD_REQUEST, so an address can never become a path or a crash.
 */
public final class Address implements Comparable<Address> {
    public static final int BYTES = 32;
    private final byte[] bytes;
    private final int hash;

    private Address(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static Address parse(CharSequence hex) {
        return new Address(Hex.decode(hex, BYTES, "address"));
    }

    /** Wraps 32 raw bytes (copied). */
    public static Address ofBytes(byte[] raw) {
        if (raw.length != BYTES) {
            throw new IllegalArgumentException("an address is 32 bytes, got " + raw.length);
        }
        return new Address(raw.clone());
    }

    /** The address of the given content. */
    public static Address of(byte[] content) {
        return of(content, 0, content.length);
    }

    public static Address of(byte[] content, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(content, offset, length);
        return new Address(sha.digest());
    }

    public static Address of(ByteBuffer content) {
        MessageDigest sha = sha256();
        sha.update(content.duplicate());
        return new Address(sha.digest());
    }

    public static MessageDigest sha256() {
        return BulkSha256.create();
    }

    /** The JDK's SHA-256 (what {@link BulkSha256} falls back to). */
    static MessageDigest jdkSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** True when the content hashes to this address. */
    public boolean matches(byte[] content, int offset, int length) {
        return MessageDigest.isEqual(of(content, offset, length).bytes, bytes);
    }

    public boolean matches(ByteBuffer content) {
        return MessageDigest.isEqual(of(content).bytes, bytes);
    }

    byte[] raw() {
        return bytes;
    }

    /** A copy of the 32 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Byte i of the address, 0 being the most significant. */
    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    /** Bytes 8i..8i+7 as a big-endian long, i in 0..3. */
    public long longAt(int i) {
        long v = 0;
        for (int b = 8 * i; b < 8 * i + 8; b++) {
            v = (v << 8) | (bytes[b] & 0xff);
        }
        return v;
    }

    public void writeTo(ByteBuffer out) {
        out.put(bytes);
    }

    public static Address readFrom(ByteBuffer in) {
        byte[] raw = new byte[BYTES];
        in.get(raw);
        return new Address(raw);
    }

    public String hex() {
        return Hex.encode(bytes);
    }

    @Override
    public int compareTo(Address other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && hash == a.hash && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return hex();
    }
}
