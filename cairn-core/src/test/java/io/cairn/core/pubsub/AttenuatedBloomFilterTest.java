package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.pubsub.BloomFilter.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttenuatedBloomFilterTest {
    private static final Shape SHAPE = Shape.DEFAULT;

    /** A chain a - b - c - d: a's filter, after three rounds, sees b at 0, c at 1, d at 2. */
    @Test
    void levelsDescribeTopicsAndNodesByDistance() {
        SplittableRandom random = new SplittableRandom(11);
        NodeId b = NodeId.random(random), c = NodeId.random(random), d = NodeId.random(random);
        AttenuatedBloomFilter fd = AttenuatedBloomFilter.local(d, Set.of("deep"), List.of(), SHAPE);
        AttenuatedBloomFilter fc = AttenuatedBloomFilter.local(c, Set.of("mid"), List.of(fd), SHAPE);
        AttenuatedBloomFilter fb = AttenuatedBloomFilter.local(b, Set.of("near"), List.of(fc), SHAPE);
        assertThat(fb.match("near")).isEqualTo(0);
        assertThat(fb.match("mid")).isEqualTo(1);
        assertThat(fb.match("deep")).isEqualTo(2);
        assertThat(fb.match("nowhere")).isEqualTo(-1);
        assertThat(fb.containsNode(0, b)).isTrue();
        assertThat(fb.containsNode(1, c)).isTrue();
        assertThat(fb.containsNode(2, d)).isTrue();
        assertThat(fb.containsNode(0, c)).isFalse();
        assertThat(fb.containsNode(1, d)).isFalse();
        assertThat(fb.level(2).mightContainTopic("near")).isFalse();
    }

    @Test
    void localOrsAllNeighbours() {
        SplittableRandom random = new SplittableRandom(12);
        NodeId self = NodeId.random(random);
        AttenuatedBloomFilter x = AttenuatedBloomFilter.local(NodeId.random(random), Set.of("x"), List.of(), SHAPE);
        AttenuatedBloomFilter y = AttenuatedBloomFilter.local(NodeId.random(random), Set.of("y"), List.of(), SHAPE);
        AttenuatedBloomFilter f = AttenuatedBloomFilter.local(self, Set.of(), List.of(x, y), SHAPE);
        assertThat(f.match("x")).isEqualTo(1);
        assertThat(f.match("y")).isEqualTo(1);
        assertThat(f.level(1)).isEqualTo(x.level(0).or(y.level(0)));
        assertThat(f.level(2).isEmpty()).isTrue();
    }

    @Test
    void refusesMixedShapesAndTooManySubscriptions() {
        NodeId self = NodeId.random(new SplittableRandom(13));
        AttenuatedBloomFilter other = AttenuatedBloomFilter.local(self, Set.of(), List.of(), new Shape(64, 1));
        assertThatThrownBy(() -> AttenuatedBloomFilter.local(self, Set.of(), List.of(other), SHAPE))
                .isInstanceOf(IllegalArgumentException.class);
        Set<String> many = new java.util.HashSet<>();
        for (int i = 0; i <= PubSubLimits.MAX_SUBSCRIPTIONS; i++) {
            many.add("t" + i);
        }
        assertThatThrownBy(() -> AttenuatedBloomFilter.local(self, many, List.of(), SHAPE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AttenuatedBloomFilter.ofLevels(List.of(BloomFilter.empty(SHAPE))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wireFormatRoundTripsAndHasTheDocumentedSize() {
        SplittableRandom random = new SplittableRandom(14);
        AttenuatedBloomFilter leaf = AttenuatedBloomFilter.local(NodeId.random(random), Set.of("a", "b"), List.of(), SHAPE);
        AttenuatedBloomFilter f = AttenuatedBloomFilter.local(NodeId.random(random), Set.of("c"), List.of(leaf), SHAPE);
        byte[] bytes = f.toBytes();
        assertThat(bytes).hasSize(3716);
        assertThat(f.toBase64()).hasSize(4956);
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(bytes[1]).isEqualTo((byte) 3);
        assertThat(Arrays.copyOfRange(bytes, 2, 2 + BloomFilter.encodedLength(SHAPE))).isEqualTo(f.level(0).toBytes());
        assertThat(AttenuatedBloomFilter.fromBytes(bytes)).isEqualTo(f);
        assertThat(AttenuatedBloomFilter.fromBase64(f.toBase64())).isEqualTo(f);
    }

    @Test
    void malformedBytesAreBadRequests() {
        Shape tiny = new Shape(64, 2);
        byte[] good = AttenuatedBloomFilter.local(NodeId.random(new SplittableRandom(15)), Set.of("t"), List.of(), tiny).toBytes();
        byte[] version = good.clone();
        version[0] = 9;
        byte[] depth = good.clone();
        depth[1] = 4;
        byte[] mixed = Arrays.copyOf(good, good.length + 8);           // level 2 claims m = 128
        mixed[2 + 2 * 14 + 5] = (byte) 128;
        for (byte[] b : List.of(new byte[0], new byte[] {1}, version, depth, Arrays.copyOf(good, good.length - 1),
                Arrays.copyOf(good, good.length + 1), mixed)) {
            assertThatThrownBy(() -> AttenuatedBloomFilter.fromBytes(b))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }
}
