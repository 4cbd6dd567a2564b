package io.cairn.node.apidrive;

import io.cairn.client.BlockClient;
import io.cairn.client.HttpReply;
import io.cairn.core.CairnException;
import io.cairn.core.HashedBlock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.store.BlockStore;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * This node as one replica of the chunks it coordinates ({@link DriveCoordinator}): the copy due
 * here goes straight into the local store, never through a loopback HTTP round trip.
 *
 * <p>Why: the coordinator is usually one of a chunk's replicas (always, on a 3-node cluster). The
 * hop would cost a request parse, a copy of the chunk, a server thread, and a second SHA-256 of
 * bytes the coordinator hashed a moment ago to answer the Id. The chunk arrives here as a
 * {@link HashedBlock}, which only hashing can make, so the store skips its hash check for it;
 * copies for the other replicas travel as {@code PUT /blocks/{a}} and are checked there, as all
 * bytes from the network are. The write runs on {@code executor} (virtual threads), in parallel
 * with the remote copies; its reply is what {@code PutBlockRoute} would answer.
 */
final class LocalReplica {
    private final NodeId self;
    private final BlockStore store;
    private final Executor executor;

    LocalReplica(NodeId self, BlockStore store, Executor executor) {
        this.self = Objects.requireNonNull(self);
        this.store = store;
        this.executor = executor;
    }

    /** The local copy of {@code block} with {@code lease}, for {@link BlockClient#put}. */
    BlockClient.LocalCopy copyOf(HashedBlock block, Lease lease) {
        return new BlockClient.LocalCopy() {
            @Override
            public boolean isLocal(NodeInfo node) {
                return self.equals(node.id());
            }

            @Override
            public CompletableFuture<HttpReply> write() {
                return CompletableFuture.supplyAsync(() -> put(block, lease), executor);
            }
        };
    }

    private HttpReply put(HashedBlock block, Lease lease) {
        try {
            BlockStore.PutOutcome outcome = store.put(block, lease);
            return new HttpReply(outcome == BlockStore.PutOutcome.CREATED ? 201 : 200, Map.of(), new byte[0]);
        } catch (CairnException e) {
            var body = Json.MAPPER.createObjectNode();
            body.put("error", e.code().wireCode());
            body.put("message", e.getMessage());
            return new HttpReply(e.code().httpStatus(), Map.of(), Json.MAPPER.writeValueAsBytes(body));
        }
    }
}
