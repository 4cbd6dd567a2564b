package io.cairn.client;

/**
 * Told how far a transfer got. Called from transfer threads, possibly concurrently and with
 * values slightly out of order; {@code doneBytes} only counts verified (read) or acknowledged
 * (written) bytes. {@code totalBytes} is -1 while unknown (a stream of unknown length).
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (doneBytes, totalBytes) -> {};

    void progress(long doneBytes, long totalBytes);
}
