package io.cairn.node.memcache;

import io.cairn.core.names.Name;

/**
 * What the memcache face needs from the node: values stored as names in cairn. Implemented by
 * the directory ({@code io.cairn.node.directory.DirectoryMemcache}); tests may fake it. Methods
 * may block (they run on the connection's virtual thread) and throw
 * {@link io.cairn.core.CairnException}, which the connection answers with {@code SERVER_ERROR}.
 */
public interface MemcacheBackend {
    /** A stored value with its client flags and a 64-bit CAS unique. */
    record Item(byte[] value, int flags, long cas) {}

    /** How a store command treats an existing value. */
    enum Mode { SET, ADD, REPLACE }

    /** The value of a key, or null on a miss (unknown, deleted or expired). */
    Item get(Name key);

    /** Stores a value; false when ADD found one or REPLACE found none (NOT_STORED). */
    boolean store(Mode mode, Name key, byte[] value, int flags, long expiresEpochSecond);

    /** Deletes a key; false when there was nothing to delete. */
    boolean delete(Name key);

    /** Sets a new expiry; false when the key is unknown. */
    boolean touch(Name key, long expiresEpochSecond);
}
