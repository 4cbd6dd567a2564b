package io.cairn.node.apidrive;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The node's {@link Transport} as the API Drive coordinator sees it: a {@code PUT /blocks/{a}}
 * addressed to this very node goes straight to the local store instead of through a loopback
 * HTTP round trip; every other call goes to the real transport. The reply is what
 * {@code PutBlockRoute} would have answered (201 new, 200 had it, the error's status otherwise),
 * so the quorum logic of {@link io.cairn.client.BlockClient} cannot tell the difference.
 *
 * <p>Why: the coordinator is usually one of a chunk's replicas; the hop would cost a request
 * parse, a copy of 64 KiB and a server thread per chunk for nothing. The local write runs on
 * {@code executor} so that it proceeds in parallel with the remote copies.
 */
final class SelfShortcutTransport implements Transport {
    private static final String BLOCKS = "/blocks/";

    private final Transport delegate;
    private final URI self;
    private final BlockStore store;
    private final Clock clock;
    private final Executor executor;

    SelfShortcutTransport(Transport delegate, URI self, BlockStore store, Clock clock, Executor executor) {
        this.delegate = Objects.requireNonNull(delegate);
        this.self = self;
        this.store = store;
        this.clock = clock;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<HttpReply> exchange(HttpCall call) {
        if ("PUT".equals(call.method()) && isSelf(call.uri()) && call.uri().getPath().startsWith(BLOCKS)) {
            return CompletableFuture.supplyAsync(() -> putLocally(call), executor);
        }
        return delegate.exchange(call);
    }

    private boolean isSelf(URI uri) {
        return uri.getPort() == self.getPort() && Objects.equals(uri.getHost(), self.getHost());
    }

    private HttpReply putLocally(HttpCall call) {
        try {
            Address address = Address.parse(call.uri().getPath().substring(BLOCKS.length()));
            Lease lease = Lease.parseHeader(call.headers().get("X-Cairn-Lease"), clock.now());
            BlockStore.PutOutcome outcome = store.put(address, call.body().duplicate(), lease);
            return new HttpReply(outcome == BlockStore.PutOutcome.CREATED ? 201 : 200, Map.of(), new byte[0]);
        } catch (CairnException e) {
            var body = Json.MAPPER.createObjectNode();
            body.put("error", e.code().wireCode());
            body.put("message", e.getMessage());
            return new HttpReply(e.code().httpStatus(), Map.of(), Json.MAPPER.writeValueAsBytes(body));
        }
    }

    @Override
    public void close() {
        // the delegate belongs to the node
    }
}
