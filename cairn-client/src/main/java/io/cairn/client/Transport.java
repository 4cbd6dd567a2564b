package io.cairn.client;

import java.util.concurrent.CompletableFuture;

/**
 * The one HTTP/1.1 stack cairn uses between processes: the CLI to nodes and nodes to each other
 * (ARCHITECTURE: one client stack, tuned, limited and tested once). Implementations bound the
 * requests in flight per node and add the cluster key to internal calls. A test can wrap one to
 * inject faults.
 *
 * <p>The future fails with a {@link io.cairn.core.CairnException} of code UNAVAILABLE when the
 * node cannot be reached or times out; any HTTP status, including errors, completes it normally.
 */
public interface Transport extends AutoCloseable {
    CompletableFuture<HttpReply> exchange(HttpCall call);

    @Override
    void close();
}
