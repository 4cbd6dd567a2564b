package io.cairn.node.pubsub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code GET /pubsub/messages?topic=} returns: the last {@code perTopic} publications this
 * node delivered on each topic it subscribes to, oldest first. Bounded twice: per topic by
 * {@code perTopic} (older messages are dropped), and in topics by the subscriptions (a topic's
 * messages are dropped when the node stops subscribing to it). Thread-safe.
 */
final class MessageBuffer {
    /** One delivered publication; {@code payload} is JSON text, written out as raw JSON. */
    record Message(String id, String topic, String payload, int hops, long receivedAtMs) {}

    private final int perTopic;
    private final Map<String, ArrayDeque<Message>> byTopic = new HashMap<>();

    MessageBuffer(int perTopic) {
        this.perTopic = perTopic;
    }

    synchronized void add(Message m) {
        ArrayDeque<Message> q = byTopic.computeIfAbsent(m.topic(), t -> new ArrayDeque<>());
        if (q.size() == perTopic) {
            q.removeFirst();
        }
        q.addLast(m);
    }

    synchronized List<Message> messages(String topic) {
        ArrayDeque<Message> q = byTopic.get(topic);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    /** Forgets every topic not in {@code subscribed}. */
    synchronized void retainTopics(Set<String> subscribed) {
        byTopic.keySet().retainAll(subscribed);
    }
}
