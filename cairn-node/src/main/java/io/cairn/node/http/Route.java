package io.cairn.node.http;

/**
 * One endpoint. Called on a virtual thread, so it may block. It must answer through the
 * {@link Exchange} exactly once ({@code respond...} or {@code finish}), or throw: a
 * {@link io.cairn.core.CairnException} becomes its JSON error, anything else a 500.
 */
@FunctionalInterface
public interface Route {
    void handle(Exchange exchange) throws Exception;

    /**
     * True when this request can be answered without blocking: it then runs on the I/O thread,
     * without a hand-off to a virtual thread. Must be cheap and must not block; may throw a
     * {@link io.cairn.core.CairnException} (answered inline). Default: false.
     */
    default boolean nonBlocking(Exchange exchange) {
        return false;
    }
}
