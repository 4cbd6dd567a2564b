package io.cairn.core.pubsub;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * What a node tells its overlay neighbours about the topics near it: an attenuated Bloom filter,
 * {@value #DEPTH} levels of {@link BloomFilter}s of one shape.
 *
 * <p><b>What.</b> Level 0 holds the node's own subscriptions and its own ID; level i holds the OR
 * of its neighbours' level i-1, i.e. (approximately) the topics subscribed and the nodes found i
 * hops away. A node keeps the filter each neighbour last sent it; a topic first appearing at level
 * L of neighbour n's filter says "a subscriber is about L + 1 hops away through n".
 *
 * <p><b>Why node IDs too.</b> Quasar's negative information: a publication carries the IDs of the
 * subscribers it has met. If the level where a neighbour's filter matches the topic also contains
 * one of those IDs, the match is probably that subscriber again, and the router looks elsewhere
 * ({@link QuasarRouter}).
 *
 * <p><b>Invariants.</b> Exactly {@value #DEPTH} levels, all the same shape; immutable. Built with
 * {@link #local}, the filter reaches its fixpoint after {@value #DEPTH} exchange rounds on a
 * static overlay, since level i depends only on information i hops away. No split horizon: a node
 * sends one filter to all neighbours, so a neighbour sees its own topics echoed at level 1 or 2;
 * the negative information above is what stops the echo from pulling a walk back.
 *
 * <p><b>Reference.</b> Wong &amp; Guha, "Quasar: A Probabilistic Publish-Subscribe System for
 * Social Networks", IPTPS 2008; attenuated filters after Rhea &amp; Kubiatowicz, INFOCOM 2002.
 *
 * <h2>Wire format (version 1)</h2>
 * <pre>
 * | offset | size              | field                                           |
 * |--------|-------------------|-------------------------------------------------|
 * | 0      | 1                 | format version, 0x01                            |
 * | 1      | 1                 | depth, 0x03                                     |
 * | 2      | depth × (6 + m/8) | the levels, 0 first, each a {@link BloomFilter} |
 * |        |                   | in its own wire format; all of one shape        |
 * </pre>
 * Text form: standard Base64 with padding of those bytes. At the default shape (m = 9856, k = 7)
 * a filter is 3716 bytes, 4956 Base64 characters.
 */
public final class AttenuatedBloomFilter {
    public static final int DEPTH = 3;
    public static final int FORMAT_VERSION = 1;

    private final List<BloomFilter> levels;

    private AttenuatedBloomFilter(List<BloomFilter> levels) {
        this.levels = List.copyOf(levels);
    }

    /** Wraps {@value #DEPTH} levels of one shape, level 0 first. */
    public static AttenuatedBloomFilter ofLevels(List<BloomFilter> levels) {
        if (levels.size() != DEPTH) {
            throw new IllegalArgumentException("need " + DEPTH + " levels, got " + levels.size());
        }
        BloomFilter.Shape shape = levels.get(0).shape();
        for (BloomFilter level : levels) {
            if (!level.shape().equals(shape)) {
                throw new IllegalArgumentException("levels differ in shape: " + shape + " and " + level.shape());
            }
        }
        return new AttenuatedBloomFilter(levels);
    }

    /**
     * The filter a node sends its neighbours: level 0 = {@code subscriptions} + {@code self};
     * level i = OR of the neighbours' level i-1. Pass only neighbours' filters the caller still
     * trusts (see {@link NeighbourFilters#fresh}).
     *
     * @throws IllegalArgumentException if a neighbour filter has another shape, or there are more
     *                                  than {@link PubSubLimits#MAX_SUBSCRIPTIONS} topics
     */
    public static AttenuatedBloomFilter local(NodeId self, Collection<String> subscriptions,
                                              Collection<AttenuatedBloomFilter> neighbours, BloomFilter.Shape shape) {
        if (subscriptions.size() > PubSubLimits.MAX_SUBSCRIPTIONS) {
            throw new IllegalArgumentException("more than " + PubSubLimits.MAX_SUBSCRIPTIONS + " subscriptions");
        }
        List<BloomFilter.Key> own = new ArrayList<>(subscriptions.size() + 1);
        own.add(BloomFilter.Key.node(self));
        for (String topic : subscriptions) {
            own.add(BloomFilter.Key.topic(topic));
        }
        List<BloomFilter> levels = new ArrayList<>(DEPTH);
        levels.add(BloomFilter.of(shape, own));
        for (int i = 1; i < DEPTH; i++) {
            List<BloomFilter> below = new ArrayList<>(neighbours.size());
            for (AttenuatedBloomFilter n : neighbours) {
                below.add(n.level(i - 1));
            }
            levels.add(BloomFilter.union(shape, below));
        }
        return new AttenuatedBloomFilter(levels);
    }

    public BloomFilter.Shape shape() {
        return levels.get(0).shape();
    }

    public BloomFilter level(int i) {
        return levels.get(i);
    }

    /** The shallowest level that might contain the topic, or -1. */
    public int match(String topic) {
        return match(BloomFilter.Key.topic(topic));
    }

    /** The shallowest level that might contain the key, or -1. */
    public int match(BloomFilter.Key key) {
        for (int i = 0; i < DEPTH; i++) {
            if (levels.get(i).mightContain(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether level {@code i} might contain the node: the negation test. */
    public boolean containsNode(int level, NodeId node) {
        return levels.get(level).mightContain(BloomFilter.Key.node(node));
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(2 + DEPTH * BloomFilter.encodedLength(shape()));
        out.put((byte) FORMAT_VERSION).put((byte) DEPTH);
        for (BloomFilter level : levels) {
            level.writeTo(out);
        }
        return out.array();
    }

    public String toBase64() {
        return Base64.getEncoder().encodeToString(toBytes());
    }

    /**
     * Decodes the wire form.
     *
     * @throws CairnException BAD_REQUEST on any other version, depth, shape mix or length
     */
    public static AttenuatedBloomFilter fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.remaining() < 2) {
            throw bad("shorter than its 2-byte header");
        }
        int version = in.get() & 0xff;
        if (version != FORMAT_VERSION) {
            throw bad("unknown format version " + version);
        }
        int depth = in.get() & 0xff;
        if (depth != DEPTH) {
            throw bad("depth must be " + DEPTH + ", got " + depth);
        }
        List<BloomFilter> levels = new ArrayList<>(DEPTH);
        for (int i = 0; i < DEPTH; i++) {
            levels.add(BloomFilter.readFrom(in));
            if (!levels.get(i).shape().equals(levels.get(0).shape())) {
                throw bad("levels differ in shape");
            }
        }
        if (in.hasRemaining()) {
            throw bad(in.remaining() + " trailing bytes");
        }
        return new AttenuatedBloomFilter(levels);
    }

    public static AttenuatedBloomFilter fromBase64(String text) {
        return fromBytes(BloomFilter.decodeBase64(text));
    }

    private static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "bad attenuated Bloom filter: " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttenuatedBloomFilter f && levels.equals(f.levels);
    }

    @Override
    public int hashCode() {
        return levels.hashCode();
    }

    @Override
    public String toString() {
        return "AttenuatedBloomFilter" + levels;
    }
}
