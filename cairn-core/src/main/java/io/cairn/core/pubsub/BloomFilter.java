package io.cairn.core.pubsub;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;

/**
 * An immutable Bloom filter of topics and node IDs: one level of an {@link AttenuatedBloomFilter}.
 *
 * <p><b>What.</b> A set of m bits; an item sets k of them, and "might contain" tests those k. No
 * false negatives; false positives at rate about {@code (1 - e^(-kn/m))^k} after n items.
 *
 * <p><b>Hashing.</b> An item is hashed once with SHA-256 over a one-byte domain tag and its bytes
 * ({@code 't'} + UTF-8 topic, {@code 'n'} + 32-byte node ID), so a topic can never collide with a
 * node ID by spelling, and every node on every JVM sets the same bits (no {@code hashCode}). The
 * first two 64-bit words h1, h2 of the digest drive enhanced double hashing (Kirsch & Mitzenmacher,
 * "Less hashing, same performance", ESA 2006; Dillinger & Manolios, FMCAD 2004): probe i is
 * {@code floorMod(a_i, m)} with {@code a_0 = h1, a_{i+1} = a_i + b_i, b_0 = h2, b_{i+1} = b_i + i},
 * which avoids plain double hashing's collapse when h2 ≡ 0 mod m. A {@link Key} holds (h1, h2),
 * so the router hashes a topic once and tests it against every neighbour's every level.
 *
 * <p><b>Sizing.</b> {@link Shape#forItems} gives the textbook optimum
 * {@code m = -n ln p / (ln 2)^2}, {@code k = round(m/n ln 2)}, m rounded up to a multiple of 64.
 *
 * <p><b>Invariants.</b> m is a multiple of 64 in [64, {@value #MAX_BITS}], k in [1, {@value #MAX_HASHES}];
 * filters of different shapes never combine (union throws).
 *
 * <h2>Wire format (version 1)</h2>
 * <pre>
 * | offset | size    | field                                                         |
 * |--------|---------|---------------------------------------------------------------|
 * | 0      | 1       | format version, 0x01                                          |
 * | 1      | 1       | k, number of hashes, 1..16                                    |
 * | 2      | 4       | m, number of bits, unsigned big-endian, multiple of 64        |
 * | 6      | m/8     | the bits: bit i is (byte[6 + i/8] >> (i % 8)) & 1 (LSB first)  |
 * </pre>
 * Text form: standard Base64 with padding (RFC 4648 §4) of those bytes. Decoding refuses any
 * other version, shape or length with a BAD_REQUEST: filters arrive from other nodes.
 */
public final class BloomFilter {
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_BYTES = 6;
    public static final int MAX_BITS = 1 << 20;
    public static final int MAX_HASHES = 16;

    /**
     * The size of a filter.
     *
     * @param bits   m, a multiple of 64 in [64, {@value BloomFilter#MAX_BITS}]
     * @param hashes k, in [1, {@value BloomFilter#MAX_HASHES}]
     */
    public record Shape(int bits, int hashes) {
        /** Sized for 1024 items (MAX_SUBSCRIPTIONS, or a level 2 of ~100 nodes) at 1 % false positives. */
        public static final Shape DEFAULT = forItems(PubSubLimits.MAX_SUBSCRIPTIONS, 0.01);

        public Shape {
            if (bits < 64 || bits > MAX_BITS || bits % 64 != 0) {
                throw new IllegalArgumentException("bits must be a multiple of 64 in [64, " + MAX_BITS + "], got " + bits);
            }
            if (hashes < 1 || hashes > MAX_HASHES) {
                throw new IllegalArgumentException("hashes must be in [1, " + MAX_HASHES + "], got " + hashes);
            }
        }

        /** The smallest shape whose false-positive rate after {@code items} insertions is about {@code rate}. */
        public static Shape forItems(int items, double rate) {
            if (items < 1 || !(rate > 0 && rate < 1)) {
                throw new IllegalArgumentException("need items >= 1 and 0 < rate < 1, got " + items + ", " + rate);
            }
            double ln2 = Math.log(2);
            double m = Math.ceil(-items * Math.log(rate) / (ln2 * ln2));
            int bits = (int) Math.min(MAX_BITS, Math.max(64, (long) Math.ceil(m / 64) * 64));
            int hashes = (int) Math.max(1, Math.min(MAX_HASHES, Math.round((double) bits / items * ln2)));
            return new Shape(bits, hashes);
        }

        /** The expected false-positive rate after {@code items} distinct insertions. */
        public double falsePositiveRate(int items) {
            return Math.pow(1 - Math.exp(-(double) hashes * items / bits), hashes);
        }

        int byteLength() {
            return bits / 8;
        }
    }

    /** An item's hash pair; compute once, test against any filter. */
    public record Key(long h1, long h2) {
        private static final byte TOPIC_TAG = 't';
        private static final byte NODE_TAG = 'n';

        public static Key topic(String topic) {
            return of(TOPIC_TAG, topic.getBytes(StandardCharsets.UTF_8));
        }

        public static Key node(NodeId node) {
            return of(NODE_TAG, node.toBytes());
        }

        private static Key of(byte tag, byte[] data) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
            sha.update(tag);
            ByteBuffer d = ByteBuffer.wrap(sha.digest(data));
            return new Key(d.getLong(), d.getLong());
        }
    }

    private final Shape shape;
    private final long[] words;
    private final int hash;

    private BloomFilter(Shape shape, long[] words) {
        this.shape = shape;
        this.words = words;
        this.hash = shape.hashCode() * 31 + Arrays.hashCode(words);
    }

    public static BloomFilter empty(Shape shape) {
        return new BloomFilter(shape, new long[shape.bits() / 64]);
    }

    /** A filter holding exactly these items. */
    public static BloomFilter of(Shape shape, Collection<Key> items) {
        long[] words = new long[shape.bits() / 64];
        for (Key key : items) {
            set(shape, words, key);
        }
        return new BloomFilter(shape, words);
    }

    public Shape shape() {
        return shape;
    }

    /** This filter plus one item. */
    public BloomFilter with(Key key) {
        long[] copy = words.clone();
        set(shape, copy, key);
        return new BloomFilter(shape, copy);
    }

    /** The union (bitwise OR); both must have the same shape. */
    public BloomFilter or(BloomFilter other) {
        requireSameShape(other);
        long[] out = words.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] |= other.words[i];
        }
        return new BloomFilter(shape, out);
    }

    /** The union of many filters of one shape; empty when there are none. */
    public static BloomFilter union(Shape shape, Collection<BloomFilter> filters) {
        long[] out = new long[shape.bits() / 64];
        for (BloomFilter f : filters) {
            if (!f.shape.equals(shape)) {
                throw new IllegalArgumentException("filter shape " + f.shape + " differs from " + shape);
            }
            for (int i = 0; i < out.length; i++) {
                out[i] |= f.words[i];
            }
        }
        return new BloomFilter(shape, out);
    }

    public boolean mightContain(Key key) {
        long a = key.h1();
        long b = key.h2();
        for (int i = 0; i < shape.hashes(); i++) {
            int bit = (int) Math.floorMod(a, (long) shape.bits());
            if ((words[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
            a += b;
            b += i;
        }
        return true;
    }

    public boolean mightContainTopic(String topic) {
        return mightContain(Key.topic(topic));
    }

    public boolean mightContainNode(NodeId node) {
        return mightContain(Key.node(node));
    }

    /** How many bits are set; with {@link Shape#bits()}, an estimate of how full the filter is. */
    public int bitCount() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    public boolean isEmpty() {
        return bitCount() == 0;
    }

    private static void set(Shape shape, long[] words, Key key) {
        long a = key.h1();
        long b = key.h2();
        for (int i = 0; i < shape.hashes(); i++) {
            int bit = (int) Math.floorMod(a, (long) shape.bits());
            words[bit >>> 6] |= 1L << bit;
            a += b;
            b += i;
        }
    }

    private void requireSameShape(BloomFilter other) {
        if (!shape.equals(other.shape)) {
            throw new IllegalArgumentException("filter shape " + other.shape + " differs from " + shape);
        }
    }

    /** The encoded length of a filter of this shape. */
    public static int encodedLength(Shape shape) {
        return HEADER_BYTES + shape.byteLength();
    }

    /** The wire form (see the table in the class comment). */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength(shape));
        writeTo(out);
        return out.array();
    }

    void writeTo(ByteBuffer out) {
        out.put((byte) FORMAT_VERSION).put((byte) shape.hashes()).putInt(shape.bits());
        for (int j = 0; j < shape.byteLength(); j++) {
            out.put((byte) (words[j >>> 3] >>> ((j & 7) * 8)));
        }
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(toBytes());
    }

    /** Decodes exactly one filter that fills {@code bytes}. */
    public static BloomFilter fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        BloomFilter f = readFrom(in);
        if (in.hasRemaining()) {
            throw bad(in.remaining() + " trailing bytes after the filter");
        }
        return f;
    }

    static BloomFilter readFrom(ByteBuffer in) {
        if (in.remaining() < HEADER_BYTES) {
            throw bad("shorter than its " + HEADER_BYTES + "-byte header");
        }
        int version = in.get() & 0xff;
        if (version != FORMAT_VERSION) {
            throw bad("unknown format version " + version);
        }
        int hashes = in.get() & 0xff;
        int bits = in.getInt();
        Shape shape;
        try {
            shape = new Shape(bits, hashes);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        if (in.remaining() < shape.byteLength()) {
            throw bad("truncated: " + in.remaining() + " of " + shape.byteLength() + " bit bytes");
        }
        long[] words = new long[bits / 64];
        for (int j = 0; j < shape.byteLength(); j++) {
            words[j >>> 3] |= (in.get() & 0xffL) << ((j & 7) * 8);
        }
        return new BloomFilter(shape, words);
    }

    public static BloomFilter fromBase64(String text) {
        return fromBytes(decodeBase64(text));
    }

    static byte[] decodeBase64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw bad("not Base64");
        }
    }

    static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "bad Bloom filter: " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BloomFilter f && hash == f.hash && shape.equals(f.shape) && Arrays.equals(words, f.words);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "BloomFilter[m=" + shape.bits() + ", k=" + shape.hashes() + ", set=" + bitCount() + "]";
    }
}
