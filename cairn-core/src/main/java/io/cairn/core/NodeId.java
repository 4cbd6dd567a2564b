package io.cairn.core;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A node's identity: 32 random bytes made at its first start and kept in its data directory,
 * written as 64 lowercase hex characters (SPEC §1). It lives in the same 256-bit space as block
 * addresses so that XOR distance can compare the two.
 */
public final class NodeId implements Comparable<NodeId> {
    public static final int BYTES = 32;
    private final byte[] bytes;
    private final int hash;

    private NodeId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static NodeId parse(CharSequence hex) {
        return new NodeId(Hex.decode(hex, BYTES, "node id"));
    }

    public static NodeId random() {
        return random(new SecureRandom());
    }

    /** A seeded ID, for tests and simulations. */
    public static NodeId random(RandomGenerator random) {
        byte[] raw = new byte[BYTES];
        random.nextBytes(raw);
        return new NodeId(raw);
    }

    public static NodeId ofBytes(byte[] raw) {
        if (raw.length != BYTES) {
            throw new IllegalArgumentException("a node id is 32 bytes, got " + raw.length);
        }
        return new NodeId(raw.clone());
    }

    byte[] raw() {
        return bytes;
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    public String hex() {
        return Hex.encode(bytes);
    }

    /** The first 12 hex characters, for logs and tables. */
    public String shortHex() {
        return hex().substring(0, 12);
    }

    @Override
    public int compareTo(NodeId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && hash == n.hash && Arrays.equals(bytes, n.bytes);
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
