package io.cairn.node.apidrive;

import io.cairn.client.BlockClient;
import io.cairn.client.ReplicationPolicy;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code POST /api/drive/store}'s write (SPEC §3.3, §2): the node that received the chunk writes it
 * to the chunk's N XOR-closest alive storage nodes (itself included when it is one, through the
 * local store) and answers once the write quorum holds it durably. The quorum rules, fallbacks
 * and refusals are {@link BlockClient}'s: with fewer alive storage nodes than the quorum the
 * write is refused before any byte moves (503); a replica that fails hands its copy to the next
 * closest node; with the quorum out of reach the answer is 503 (507 when every failure was a
 * full disk). The remaining copies finish in the background, each bounded by {@code timeout}.
 */
final class DriveCoordinator {
    private final BlockClient blocks;
    private final Supplier<List<NodeInfo>> nodes;
    private final String leaseHeader;
    private final Duration timeout;

    DriveCoordinator(BlockClient blocks, Supplier<List<NodeInfo>> nodes, Duration lease, Duration timeout) {
        this.blocks = blocks;
        this.nodes = nodes;
        this.leaseHeader = Long.toString(lease.toSeconds());
        this.timeout = timeout;
    }

    /** The write quorum for N replicas: a majority (3 → 2, 1 → 1, 5 → 3). */
    static ReplicationPolicy policy(int replicas) {
        return new ReplicationPolicy(replicas, replicas / 2 + 1);
    }

    /** Stores {@code data} at quorum and returns its address. */
    Address store(byte[] data) {
        Address address = Address.of(data);
        BlockClient.BlockWrite write = blocks.put(address, ByteBuffer.wrap(data), nodes.get(), leaseHeader);
        try {
            write.acknowledged().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return address;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CairnException c) {
                throw new CairnException(c.code(), "store of " + address + " failed: " + c.getMessage(), c);
            }
            throw new CairnException(ErrorCode.UNAVAILABLE, "store of " + address + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "store of " + address + ": no quorum within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted");
        }
    }
}
