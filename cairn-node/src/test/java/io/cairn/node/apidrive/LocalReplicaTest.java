package io.cairn.node.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.BlockClient;
import io.cairn.client.HttpReply;
import io.cairn.core.HashedBlock;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockStores;
import io.cairn.store.StoreConfig;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's own copy (issue #5): straight into the local store, answered like PUT /blocks. */
class LocalReplicaTest {
    private static final long SEED = 55;
    private static final Lease LEASE = Lease.until(Instant.parse("2099-01-01T00:00:00Z"));

    @TempDir Path dir;
    private final SplittableRandom random = new SplittableRandom(SEED);

    private static NodeInfo node(NodeId id) {
        return new NodeInfo(id, URI.create("http://127.0.0.1:1"), Set.of(NodeInfo.ROLE_STORAGE), NodeStatus.ALIVE,
                0, 0, 0, 0);
    }

    private HashedBlock chunk() {
        byte[] bytes = new byte[64 * 1024];
        random.nextBytes(bytes);
        return HashedBlock.of(ByteBuffer.wrap(bytes));
    }

    @Test
    void onlyThisNodesIdIsLocal() throws Exception {
        NodeId self = NodeId.random(new SplittableRandom(SEED));
        try (BlockStore store = BlockStores.open(StoreConfig.of(dir))) {
            BlockClient.LocalCopy copy = new LocalReplica(self, store, Runnable::run).copyOf(chunk(), LEASE);
            assertThat(copy.isLocal(node(self))).isTrue();
            assertThat(copy.isLocal(node(NodeId.random(new SplittableRandom(SEED + 1))))).isFalse();
        }
    }

    @Test
    void writesTheChunkDurablyAnsweringAsPutBlocksWould() throws Exception {
        NodeId self = NodeId.random(new SplittableRandom(SEED));
        HashedBlock block = chunk();
        try (BlockStore store = BlockStores.open(StoreConfig.of(dir))) {
            LocalReplica local = new LocalReplica(self, store, Runnable::run);
            assertThat(local.copyOf(block, LEASE).write().get(10, TimeUnit.SECONDS).status()).isEqualTo(201);
            assertThat(local.copyOf(block, LEASE).write().get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(store.read(block.address())).contains(block.content());
            assertThat(store.lease(block.address())).contains(LEASE);
        }
    }

    @Test
    void aStoreFailureIsTheErrorsStatusWithAJsonBody() throws Exception {
        NodeId self = NodeId.random(new SplittableRandom(SEED));
        BlockStore store = BlockStores.open(StoreConfig.of(dir));
        store.close();
        HttpReply reply = new LocalReplica(self, store, Runnable::run).copyOf(chunk(), LEASE).write()
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(reply.body()).path("error").asText()).isEqualTo("unavailable");
    }
}
