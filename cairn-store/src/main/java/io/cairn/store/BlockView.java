package io.cairn.store;

import java.nio.ByteBuffer;

/**
 * A block's verified bytes as the store lends them, with the lease it had when read, from
 * {@link BlockStore#readView}. The bytes may be a view of memory the store must take back (a
 * mapped segment): the holder calls {@link #close} once it no longer touches them, for a socket
 * write only when the write completed or failed. Touching {@link #content} after closing is a bug.
 * Added for issue #2 (GET fast path).
 */
public final class BlockView implements AutoCloseable {
    private final ByteBuffer content;
    private final long leaseEpochSecond;
    private final Runnable onClose;
    private boolean closed;

    public BlockView(ByteBuffer content, long leaseEpochSecond, Runnable onClose) {
        this.content = content;
        this.leaseEpochSecond = leaseEpochSecond;
        this.onClose = onClose;
    }

    /** The block's bytes from position to limit; read-only when they are the store's memory. */
    public ByteBuffer content() {
        return content;
    }

    /** The block's lease at the time of the read (epoch seconds). */
    public long leaseEpochSecond() {
        return leaseEpochSecond;
    }

    /** Gives the bytes back; idempotent. Not thread-safe: one holder at a time. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (onClose != null) {
                onClose.run();
            }
        }
    }
}
