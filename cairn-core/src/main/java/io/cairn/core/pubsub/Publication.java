package io.cairn.core.pubsub;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One message on its walk through the overlay (SPEC §3.6). Immutable; each hop makes a new one
 * with {@link #nextHop}.
 *
 * @param id      unique per publication, 1..{@value PubSubLimits#MAX_ID_CHARS} of [A-Za-z0-9_-];
 *                the publisher makes it with {@link #newId}; duplicates are recognised by it
 * @param topic   see {@link PubSubLimits#checkTopic}
 * @param payload the payload as JSON text, opaque here and passed on byte for byte, at most
 *                {@value PubSubLimits#MAX_PAYLOAD_BYTES} bytes of UTF-8
 * @param ttl     hops this copy may still take, 0..{@value PubSubLimits#MAX_TTL}; 0 means it can be
 *                delivered where it is but not forwarded
 * @param met     the subscribers this copy has been delivered to, oldest first, at most
 *                {@value PubSubLimits#MAX_MET} (every hop adds at most one): Quasar's negative
 *                information
 * @throws CairnException BAD_REQUEST when a field breaks these rules (publications come off the wire)
 */
public record Publication(String id, String topic, String payload, int ttl, List<NodeId> met) {
    public Publication {
        if (id == null || id.isEmpty() || id.length() > PubSubLimits.MAX_ID_CHARS
                || !id.chars().allMatch(Publication::idChar)) {
            throw new CairnException(ErrorCode.BAD_REQUEST,
                    "publication id must be 1.." + PubSubLimits.MAX_ID_CHARS + " characters of [A-Za-z0-9_-]");
        }
        PubSubLimits.checkTopic(topic);
        if (payload == null) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "payload is required");
        }
        if (payload.length() > PubSubLimits.MAX_PAYLOAD_BYTES
                || payload.getBytes(StandardCharsets.UTF_8).length > PubSubLimits.MAX_PAYLOAD_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE,
                    "payload is larger than " + PubSubLimits.MAX_PAYLOAD_BYTES + " bytes");
        }
        if (ttl < 0 || ttl > PubSubLimits.MAX_TTL) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "ttl must be in [0, " + PubSubLimits.MAX_TTL + "], got " + ttl);
        }
        if (met == null || met.size() > PubSubLimits.MAX_MET) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "met list must hold at most " + PubSubLimits.MAX_MET + " ids");
        }
        met = List.copyOf(met);
    }

    /** A fresh publication with a random 128-bit id and no subscribers met yet. */
    public static Publication publish(String topic, String payload, int ttl, RandomGenerator random) {
        return new Publication(newId(random), topic, payload, ttl, List.of());
    }

    /** 32 lowercase hex characters from the generator (128 bits: collisions are not a concern). */
    public static String newId(RandomGenerator random) {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        return Hex.encode(raw);
    }

    /** Whether this copy has met {@code node} as a subscriber. */
    public boolean hasMet(NodeId node) {
        return met.contains(node);
    }

    /** The copy sent on: ttl - 1, and {@code subscriber} appended to the met list unless null or present. */
    Publication nextHop(NodeId subscriber) {
        if (ttl == 0) {
            throw new IllegalStateException("ttl exhausted");
        }
        List<NodeId> nextMet = met;
        if (subscriber != null && !met.contains(subscriber)) {
            nextMet = new ArrayList<>(met);
            nextMet.add(subscriber);
            if (nextMet.size() > PubSubLimits.MAX_MET) {
                nextMet.removeFirst(); // cannot happen within MAX_TTL hops; keeps the bound if it does
            }
        }
        return new Publication(id, topic, payload, ttl - 1, nextMet);
    }

    private static boolean idChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
