package io.cairn.node.files;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import io.cairn.core.Placement;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Gets a block's verified bytes for this node's own use (assembling files, repair pulls): from
 * the local store when it is here, otherwise from its replicas.
 *
 * <p>Replicas are tried one after another in XOR-distance order (SPEC §2): the {@code 2N}
 * closest alive storage nodes, then suspect ones, skipping this node and dead ones. Every reply
 * is hashed and a reply whose bytes do not match the address is discarded like a missing one,
 * so a corrupt or lying peer costs a retry, never a wrong byte. Bounded: at most {@code 2N + }
 * suspects attempts, each with its own timeout.
 */
public final class BlockFetcher {
    private final BlockStore store;
    private final Membership membership;
    private final Transport transport;
    private final int replication;
    private final Duration timeout;
    private final Executor executor;

    public BlockFetcher(BlockStore store, Membership membership, Transport transport, int replication,
                        Duration timeout, Executor executor) {
        this.store = store;
        this.membership = membership;
        this.transport = transport;
        this.replication = replication;
        this.timeout = timeout;
        this.executor = executor;
    }

    /** {@link #fetch} on the fetcher's executor, for read-ahead. */
    public CompletableFuture<ByteBuffer> fetchAsync(Address address) {
        return CompletableFuture.supplyAsync(() -> fetch(address), executor);
    }

    /**
     * The block's bytes; NOT_FOUND when no replica has it, UNAVAILABLE when some could not be
     * asked, HASH_MISMATCH when the only copies found were corrupt.
     */
    public ByteBuffer fetch(Address address) {
        Optional<ByteBuffer> local = store.read(address);
        if (local.isPresent()) {
            return local.get();
        }
        List<URI> candidates = candidates(address);
        if (candidates.isEmpty()) {
            throw new CairnException(ErrorCode.NOT_FOUND, "block " + address + " is not here and no other storage node is alive");
        }
        CairnException worst = null;
        for (URI node : candidates) {
            try {
                return fetchFrom(node, address);
            } catch (CairnException e) {
                if (worst == null || rank(e.code()) > rank(worst.code())) {
                    worst = e;
                }
            }
        }
        throw new CairnException(worst.code(), "block " + address + " could not be fetched from any of "
                + candidates.size() + " nodes; last problem: " + worst.getMessage());
    }

    private static int rank(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> 0;
            case HASH_MISMATCH -> 1;
            default -> 2;
        };
    }

    /** The block from one given node, verified. */
    public ByteBuffer fetchFrom(URI node, Address address) {
        HttpCall call = HttpCall.get(node.resolve("/blocks/" + address.hex())).withTimeout(timeout);
        HttpReply reply;
        try {
            reply = transport.exchange(call).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CairnException c) {
                throw new CairnException(ErrorCode.UNAVAILABLE, node + ": " + c.getMessage(), c);
            }
            throw new CairnException(ErrorCode.UNAVAILABLE, node + ": " + e.getCause(), e.getCause());
        }
        if (reply.status() == 404) {
            throw new CairnException(ErrorCode.NOT_FOUND, node + " does not have block " + address);
        }
        if (reply.status() != 200) {
            throw new CairnException(ErrorCode.UNAVAILABLE, node + " answered " + reply.status() + " for block " + address);
        }
        byte[] body = reply.body();
        if (!address.matches(body, 0, body.length)) {
            throw new CairnException(ErrorCode.HASH_MISMATCH, node + " sent bytes that do not match block " + address);
        }
        return ByteBuffer.wrap(body);
    }

    /** Whom to ask, in order. */
    List<URI> candidates(Address address) {
        NodeId self = membership.selfId();
        List<Member> alive = new ArrayList<>();
        List<Member> suspect = new ArrayList<>();
        for (Member m : membership.view()) {
            if (m.id().equals(self) || !m.roles().contains(NodeInfo.ROLE_STORAGE)) {
                continue;
            }
            if (m.status() == NodeStatus.ALIVE) {
                alive.add(m);
            } else if (m.status() == NodeStatus.SUSPECT) {
                suspect.add(m);
            }
        }
        List<URI> out = new ArrayList<>();
        Placement.closest(address, alive, 2 * replication, Member::id).forEach(m -> out.add(m.url()));
        Placement.closest(address, suspect, replication, Member::id).forEach(m -> out.add(m.url()));
        return out;
    }
}
