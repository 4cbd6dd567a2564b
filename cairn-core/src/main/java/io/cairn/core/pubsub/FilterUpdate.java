package io.cairn.core.pubsub;

import io.cairn.core.NodeId;

/**
 * A neighbour's filter as pushed to us.
 *
 * @param from    the sender
 * @param version strictly increasing per sender across pushes, including periodic refreshes of
 *                an unchanged filter (a counter or the sender's wall-clock millis); a receiver
 *                keeps only the highest version it has seen from a sender
 * @param filter  the sender's {@link AttenuatedBloomFilter#local} filter
 */
public record FilterUpdate(NodeId from, long version, AttenuatedBloomFilter filter) {
    public FilterUpdate {
        if (from == null || filter == null) {
            throw new IllegalArgumentException("from and filter are required");
        }
    }
}
