package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.BlockReads;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Blocks to and from their replicas: quorum writes with fall-back nodes and verified reads with
 * fail-over (SPEC §2, §3.1). Every block read is checked against its address here, so no caller
 * ever sees bytes that do not match (SPEC §5: "every client verifies the address").
 *
 * <p>Block calls are marked internal so that the cluster key, when the client has one, rides
 * along (nodes may exempt keyed callers from the public rate limit); with no key they are plain
 * public calls. A 429 is retried on the same node after its {@code Retry-After}, at most
 * {@link #MAX_RATE_LIMIT_RETRIES} times and never waiting more than {@link #MAX_RETRY_AFTER}.
 */
public final class BlockClient {
    public static final int MAX_RATE_LIMIT_RETRIES = 4;
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(5);

    /** A write in progress: acknowledged at quorum, settled when every copy attempt finished. */
    public record BlockWrite(Address address, CompletableFuture<List<NodeInfo>> acknowledged,
                             CompletableFuture<List<NodeInfo>> settled) {}

    static final String READ_BATCH_PATH = "/blocks/read";
    private static final Map<String, String> READ_BATCH_HEADERS = Map.of("Content-Type", BlockReads.REQUEST_TYPE);

    private final Transport transport;
    private final ReplicationPolicy policy;
    private final Duration timeout;
    /** Groups writes that queue up for one node into batches; null when switched off. */
    private final WriteBatcher batcher;

    public BlockClient(Transport transport, ReplicationPolicy policy, Duration timeout) {
        this.transport = transport;
        this.policy = policy;
        this.timeout = timeout;
        // -Dcairn.client.batchInFlight=0 turns batching off (every block its own PUT), for comparisons.
        int inFlight = Integer.getInteger("cairn.client.batchInFlight", WriteBatcher.DEFAULT_MAX_IN_FLIGHT);
        this.batcher = inFlight <= 0 ? null : new WriteBatcher(call -> withRetries(call, 0), timeout, inFlight,
                Integer.getInteger("cairn.client.batchBlocks", WriteBatcher.DEFAULT_MAX_BLOCKS), WriteBatcher.DEFAULT_MAX_BYTES);
    }

    public ReplicationPolicy policy() {
        return policy;
    }

    /**
     * Writes {@code bytes} (which must hash to {@code address}) to its replicas in {@code nodes}.
     * Throws UNAVAILABLE at once when too few storage nodes are alive.
     *
     * @param leaseHeader the {@code X-Cairn-Lease} value, or null for the node's default
     */
    public BlockWrite put(Address address, ByteBuffer bytes, List<NodeInfo> nodes, String leaseHeader) {
        return put(address, bytes, nodes, leaseHeader, LocalCopy.NONE);
    }

    /**
     * As {@link #put(Address, ByteBuffer, List, String)}, for a caller that is itself a storage
     * node: a copy due on the node {@code local} claims is written by {@code local} (its own store,
     * no HTTP round trip to itself), in parallel with the others and counted the same way.
     */
    public BlockWrite put(Address address, ByteBuffer bytes, List<NodeInfo> nodes, String leaseHeader, LocalCopy local) {
        Replicas.WritePlan plan = Replicas.writePlan(address, nodes, policy);
        QuorumWrite write = QuorumWrite.start(plan, node -> local.isLocal(node) ? local.write()
                : batcher != null ? batcher.put(node.url(), address, bytes.duplicate(), leaseHeader)
                : withRetries(new HttpCall("PUT", blockUri(node.url(), address), WriteBatcher.leaseHeaders(leaseHeader),
                        bytes.duplicate(), timeout, true), 0));
        return new BlockWrite(address, write.acknowledged(), write.settled());
    }

    /**
     * The copy of a block that the calling node writes to its own store. {@link #write} must not
     * block; its reply is the one {@code PUT /blocks} would give (201 new, 200 had it, an error's
     * status and JSON body), so the quorum rules treat it like any other replica's.
     */
    public interface LocalCopy {
        /** No node is local: every copy goes over HTTP. */
        LocalCopy NONE = new LocalCopy() {
            @Override
            public boolean isLocal(NodeInfo node) {
                return false;
            }

            @Override
            public CompletableFuture<HttpReply> write() {
                throw new IllegalStateException("no local copy");
            }
        };

        boolean isLocal(NodeInfo node);

        CompletableFuture<HttpReply> write();
    }

    /** Reads a block from the first node in {@code order} that has a copy matching its address. */
    public CompletableFuture<byte[]> get(Address address, List<NodeInfo> order) {
        return getFrom(address, order, 0, new ReadFailures(address));
    }

    /** Reads a block, asking the nodes of {@code nodes} in {@link Replicas#readOrder} order. */
    public CompletableFuture<byte[]> getFromCluster(Address address, List<NodeInfo> nodes) {
        return get(address, Replicas.readOrder(address, nodes, policy));
    }

    /** Reads a chunk: like {@link #getFromCluster} but asks at most the {@link #chunkReadLimit} closest nodes. */
    public CompletableFuture<byte[]> getChunk(Address address, List<NodeInfo> nodes) {
        return get(address, Replicas.readOrder(address, nodes, policy, chunkReadLimit()));
    }

    /**
     * Reads several blocks from one node in one request ({@code POST /blocks/read}, {@link
     * BlockReads}): one view per address asked, in order, each checked against its address; null
     * where the node has no copy or sent bytes that do not match. Fails with the node's error
     * (its status mapped by {@link ErrorCode#ofStatus}) when it refuses the batch, and with
     * BAD_REQUEST when its reply does not answer what was asked.
     */
    public CompletableFuture<List<ByteBuffer>> getBatch(NodeInfo node, List<Address> addresses) {
        HttpCall call = new HttpCall("POST", node.url().resolve(READ_BATCH_PATH), READ_BATCH_HEADERS,
                BlockReads.request(addresses), timeout, true);
        return withRetries(call, 0).thenApply(reply -> {
            if (reply.status() != 200) {
                throw RemoteError.of(node.url().toString(), reply);
            }
            List<ByteBuffer> views = BlockReads.parseReply(ByteBuffer.wrap(reply.body()), addresses);
            List<ByteBuffer> verified = new ArrayList<>(views.size());
            for (int i = 0; i < views.size(); i++) {
                ByteBuffer v = views.get(i);
                verified.add(v != null && addresses.get(i).matches(v.duplicate()) ? v : null);
            }
            return verified;
        });
    }

    /** Copies sit on the N closest nodes, handed-off ones on the next N; a little slack for churn. */
    int chunkReadLimit() {
        return Math.max(8, 3 * policy.replicas());
    }

    private CompletableFuture<byte[]> getFrom(Address address, List<NodeInfo> order, int i, ReadFailures failures) {
        if (i >= order.size()) {
            return CompletableFuture.failedFuture(failures.toException(order.size()));
        }
        NodeInfo node = order.get(i);
        HttpCall call = new HttpCall("GET", blockUri(node.url(), address), Map.of(), null, timeout, true);
        return withRetries(call, 0).handle((reply, error) -> {
            if (error != null) {
                failures.unavailable(node, QuorumWrite.unwrap(node, error).getMessage());
                return null;
            }
            if (reply.status() == 200) {
                if (address.matches(reply.body(), 0, reply.body().length)) {
                    return reply.body();
                }
                failures.corrupt(node);
                return null;
            }
            if (reply.status() == 404) {
                failures.missing(node);
            } else {
                failures.unavailable(node, RemoteError.of(node.url().toString(), reply).getMessage());
            }
            return null;
        }).thenCompose(body -> body != null ? CompletableFuture.completedFuture(body)
                : getFrom(address, order, i + 1, failures));
    }

    /** Sends a call, retrying a 429 on the same node after its Retry-After (bounded). */
    CompletableFuture<HttpReply> withRetries(HttpCall call, int attempt) {
        return transport.exchange(call).thenCompose(reply -> {
            if (reply.status() != 429 || attempt >= MAX_RATE_LIMIT_RETRIES) {
                return CompletableFuture.completedFuture(reply);
            }
            long waitMs = retryAfterMillis(reply.header("retry-after"), attempt);
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS))
                    .thenCompose(x -> withRetries(call, attempt + 1));
        });
    }

    static long retryAfterMillis(String header, int attempt) {
        long fallback = 100L << Math.min(attempt, 5);
        if (header == null) {
            return fallback;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return Math.min(Math.max(seconds, 0) * 1000, MAX_RETRY_AFTER.toMillis());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static URI blockUri(URI node, Address address) {
        return node.resolve("/blocks/" + address.hex());
    }

    /** Why a read failed on every node, reduced to the one code that explains it best. */
    private static final class ReadFailures {
        private final Address address;
        private final List<String> reasons = new ArrayList<>();
        private int missing;
        private int corrupt;

        ReadFailures(Address address) {
            this.address = address;
        }

        synchronized void missing(NodeInfo node) {
            missing++;
        }

        synchronized void corrupt(NodeInfo node) {
            corrupt++;
            if (reasons.size() < 8) {
                reasons.add(node.url() + " served bytes that do not match the address");
            }
        }

        synchronized void unavailable(NodeInfo node, String why) {
            if (reasons.size() < 8) {
                reasons.add(why);
            }
        }

        synchronized CairnException toException(int asked) {
            String what = "block " + address.hex();
            if (asked == 0) {
                return new CairnException(ErrorCode.UNAVAILABLE, "no node to read " + what + " from");
            }
            if (missing == asked) {
                return new CairnException(ErrorCode.NOT_FOUND, what + " not found on any of " + asked + " nodes");
            }
            if (corrupt > 0 && corrupt + missing == asked) {
                return new CairnException(ErrorCode.HASH_MISMATCH, what + ": no node had a copy matching the address ("
                        + String.join("; ", reasons) + ")");
            }
            return new CairnException(ErrorCode.UNAVAILABLE, what + " could not be read from any of " + asked
                    + " nodes (" + missing + " had none; " + String.join("; ", reasons) + ")");
        }
    }
}
