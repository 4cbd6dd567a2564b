package io.cairn.core.pubsub;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The publication IDs a node has handled recently, for dropping duplicates: a least-recently-seen
 * set of explicit capacity. Bounded so that a flood of IDs costs memory only up to the capacity; a
 * duplicate that arrives after its ID was evicted is handled again, which TTL still bounds.
 * Mutable and not thread-safe: the node owns one and serialises calls to {@link QuasarRouter}.
 */
public final class SeenPublications {
    public static final int MAX_CAPACITY = 1 << 20;

    private final int capacity;
    private final LinkedHashMap<String, Boolean> ids;

    public SeenPublications(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be in [1, " + MAX_CAPACITY + "], got " + capacity);
        }
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > SeenPublications.this.capacity;
            }
        };
    }

    /** Records the ID; true the first time (while remembered), false for a duplicate. */
    public boolean firstSighting(String id) {
        return ids.put(id, Boolean.TRUE) == null;
    }

    public boolean contains(String id) {
        return ids.containsKey(id);
    }

    public int size() {
        return ids.size();
    }

    public int capacity() {
        return capacity;
    }
}
