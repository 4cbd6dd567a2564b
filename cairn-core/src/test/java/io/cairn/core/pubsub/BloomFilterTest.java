package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.NodeId;
import io.cairn.core.pubsub.BloomFilter.Key;
import io.cairn.core.pubsub.BloomFilter.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BloomFilterTest {
    private static final Shape TINY = new Shape(64, 2);

    private static List<Key> topics(String prefix, int n) {
        List<Key> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Key.topic(prefix + i));
        }
        return out;
    }

    @Test
    void sizingFollowsTheTextbookOptimum() {
        assertThat(Shape.forItems(1000, 0.01)).isEqualTo(new Shape(9600, 7));
        assertThat(Shape.DEFAULT).isEqualTo(new Shape(9856, 7));
        assertThat(Shape.forItems(1, 0.5).bits()).isEqualTo(64);
        assertThat(Shape.forItems(100_000_000, 0.0001).bits()).isEqualTo(BloomFilter.MAX_BITS);
        assertThatThrownBy(() -> Shape.forItems(0, 0.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shape.forItems(10, 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Shape(100, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Shape(64, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Shape(64, 17)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Measured false positives stay near the sizing's promise; no false negatives ever. Seeded. */
    @ParameterizedTest(name = "n={0} p={1}")
    @CsvSource({"100, 0.05", "1000, 0.01", "1024, 0.01", "5000, 0.001"})
    void falsePositiveRateMatchesSizing(int n, double rate) {
        long seed = 31L * n;
        SplittableRandom random = new SplittableRandom(seed);
        Shape shape = Shape.forItems(n, rate);
        List<Key> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(Key.topic("member-" + random.nextLong()));
        }
        BloomFilter f = BloomFilter.of(shape, members);
        assertThat(members).as("seed %d: no false negatives", seed).allMatch(f::mightContain);
        int probes = 200_000;
        int positives = 0;
        for (int i = 0; i < probes; i++) {
            if (f.mightContain(Key.topic("probe-" + random.nextLong()))) {
                positives++;
            }
        }
        double measured = (double) positives / probes;
        double expected = shape.falsePositiveRate(n);
        System.out.printf("bloom fp: n=%d target=%.4f shape=%s expected=%.5f measured=%.5f seed=%d%n",
                n, rate, shape, expected, measured, seed);
        assertThat(expected).as("seed %d", seed).isLessThanOrEqualTo(rate * 1.05);
        assertThat(measured).as("seed %d: measured %.5f vs expected %.5f", seed, measured, expected)
                .isBetween(expected * 0.7, expected * 1.3);
    }

    @Test
    void topicsAndNodesLiveInSeparateDomains() {
        NodeId node = NodeId.random(new SplittableRandom(5));
        BloomFilter f = BloomFilter.empty(Shape.DEFAULT).with(Key.node(node));
        assertThat(f.mightContainNode(node)).isTrue();
        assertThat(f.mightContainTopic(node.hex())).isFalse();
        assertThat(Key.topic("a")).isEqualTo(Key.topic("a")).isNotEqualTo(Key.topic("b"));
    }

    @Test
    void unionHoldsBothAndRefusesOtherShapes() {
        BloomFilter a = BloomFilter.of(Shape.DEFAULT, topics("a", 50));
        BloomFilter b = BloomFilter.of(Shape.DEFAULT, topics("b", 50));
        BloomFilter u = a.or(b);
        assertThat(topics("a", 50)).allMatch(u::mightContain);
        assertThat(topics("b", 50)).allMatch(u::mightContain);
        assertThat(BloomFilter.union(Shape.DEFAULT, List.of(a, b))).isEqualTo(u);
        assertThat(BloomFilter.union(Shape.DEFAULT, List.of())).isEqualTo(BloomFilter.empty(Shape.DEFAULT));
        assertThat(a.with(Key.topic("x"))).isNotEqualTo(a);
        assertThat(a.bitCount()).isLessThanOrEqualTo(50 * 7);
        assertThatThrownBy(() -> a.or(BloomFilter.empty(TINY))).isInstanceOf(IllegalArgumentException.class);
    }

    /** Golden bytes (computed independently with Python hashlib): format and hashing must not drift. */
    @Test
    void goldenBytes() {
        BloomFilter f = BloomFilter.of(TINY, List.of(Key.topic("0f01020303"), Key.topic("news")));
        assertThat(Hex.encode(f.toBytes())).isEqualTo(GOLDEN_TINY);
        assertThat(BloomFilter.fromBytes(Hex.decode(GOLDEN_TINY, 14, "golden"))).isEqualTo(f);
        assertThat(f.toBase64()).isEqualTo(java.util.Base64.getEncoder().encodeToString(f.toBytes()));
    }

    static final String GOLDEN_TINY = "0102000000400008000200400001";

    @Test
    void roundTripsEveryShapeAndContent() {
        long seed = 77;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            Shape shape = new Shape(64 * (1 + random.nextInt(200)), 1 + random.nextInt(16));
            BloomFilter f = BloomFilter.of(shape, topics("t" + i + "-", random.nextInt(300)));
            assertThat(BloomFilter.fromBytes(f.toBytes())).as("seed %d round %d", seed, i).isEqualTo(f);
            assertThat(BloomFilter.fromBase64(f.toBase64())).as("seed %d round %d", seed, i).isEqualTo(f);
            assertThat(f.toBytes()).hasSize(BloomFilter.encodedLength(shape));
        }
    }

    @Test
    void malformedBytesAreBadRequests() {
        byte[] good = BloomFilter.of(TINY, topics("x", 3)).toBytes();
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        bad.add(java.util.Arrays.copyOf(good, 5));                 // truncated header
        bad.add(java.util.Arrays.copyOf(good, good.length - 1));   // truncated bits
        bad.add(java.util.Arrays.copyOf(good, good.length + 1));   // trailing byte
        byte[] version = good.clone();
        version[0] = 2;
        bad.add(version);
        byte[] k = good.clone();
        k[1] = 0;
        bad.add(k);
        byte[] m = good.clone();
        m[5] = 65;                                                  // m = 65: not a multiple of 64
        bad.add(m);
        byte[] huge = good.clone();
        huge[2] = 0x7f;                                             // m beyond MAX_BITS
        bad.add(huge);
        for (byte[] b : bad) {
            assertThatThrownBy(() -> BloomFilter.fromBytes(b)).as(Hex.encode(b))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
        assertThatThrownBy(() -> BloomFilter.fromBase64("not base64!"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    /** No checksum: a flipped bit in the body decodes to a different, valid filter (transport checks integrity). */
    @Test
    void aBitFlipInTheBodyChangesOnlyThatBit() {
        BloomFilter f = BloomFilter.of(TINY, topics("x", 3));
        byte[] rotted = f.toBytes();
        rotted[BloomFilter.HEADER_BYTES] ^= 1;
        BloomFilter g = BloomFilter.fromBytes(rotted);
        assertThat(Math.abs(g.bitCount() - f.bitCount())).isEqualTo(1);
    }
}
