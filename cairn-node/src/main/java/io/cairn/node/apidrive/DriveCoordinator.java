package io.cairn.node.apidrive;

import io.cairn.client.BlockClient;
import io.cairn.client.ReplicationPolicy;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.HashedBlock;
import io.cairn.core.Lease;
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
 *
 * <p>Cost per chunk (issue #5's bar compares it with the client's own {@code PUT /blocks} path):
 * one SHA-256 here (the Id, which also vouches for the local copy: {@link LocalReplica}), one per
 * remote replica (each checks what it receives); no copy of the data after the request body was
 * read (the BSON decoder lends a view of it, the transport sends views of it); remote copies go
 * over the node's pooled keep-alive connections while the local one is written.
 */
final class DriveCoordinator {
    private final BlockClient blocks;
    private final LocalReplica local;
    private final Supplier<List<NodeInfo>> nodes;
    private final Clock clock;
    private final Duration lease;
    private final String leaseHeader;
    private final Duration timeout;

    DriveCoordinator(BlockClient blocks, LocalReplica local, Supplier<List<NodeInfo>> nodes, Clock clock,
                     Duration lease, Duration timeout) {
        this.blocks = blocks;
        this.local = local;
        this.nodes = nodes;
        this.clock = clock;
        this.lease = lease;
        this.leaseHeader = Long.toString(lease.toSeconds());
        this.timeout = timeout;
    }

    /** The write quorum for N replicas: a majority (3 → 2, 1 → 1, 5 → 3). */
    static ReplicationPolicy policy(int replicas) {
        return new ReplicationPolicy(replicas, replicas / 2 + 1);
    }

    /** Stores {@code data} (not changed until the write settled) at quorum and returns its address. */
    Address store(ByteBuffer data) {
        HashedBlock block = HashedBlock.of(data);
        Address address = block.address();
        BlockClient.BlockWrite write = blocks.put(address, block.content(), nodes.get(), leaseHeader,
                local.copyOf(block, Lease.until(clock.now().plus(lease))));
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
