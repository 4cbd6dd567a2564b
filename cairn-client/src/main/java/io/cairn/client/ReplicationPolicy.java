package io.cairn.client;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;

/**
 * How many copies a block gets and how many must be durable before a write is acknowledged
 * (SPEC §2). Pure.
 *
 * <p>The rule, with {@code A} alive storage nodes: a block is sent to {@code N' = min(N, A)}
 * replicas and acknowledged once {@code Q} of them hold it. When {@code A < Q} the write is refused
 * with UNAVAILABLE (HTTP 503): with the defaults N=3, Q=2 a one-node cluster accepts no writes,
 * because a single copy is not what "acknowledged" promises. {@code Q} never shrinks with the
 * cluster; only {@code N'} does (fewer replicas "only while the cluster has fewer nodes").
 *
 * @param replicas    N, the replication factor (default 3)
 * @param writeQuorum Q, copies required before acknowledging (default 2), 1 &le; Q &le; N
 */
public record ReplicationPolicy(int replicas, int writeQuorum) {
    public static final ReplicationPolicy DEFAULT = new ReplicationPolicy(3, 2);

    public ReplicationPolicy {
        if (replicas < 1 || writeQuorum < 1 || writeQuorum > replicas) {
            throw new IllegalArgumentException("need 1 <= writeQuorum <= replicas, got quorum "
                    + writeQuorum + " of " + replicas);
        }
    }

    /** N' for a cluster with {@code aliveStorageNodes} alive storage nodes. */
    public int replicasFor(int aliveStorageNodes) {
        return Math.min(replicas, Math.max(0, aliveStorageNodes));
    }

    /** True when a write can be acknowledged at all with this many alive storage nodes. */
    public boolean canWrite(int aliveStorageNodes) {
        return aliveStorageNodes >= writeQuorum;
    }

    /** Throws UNAVAILABLE when {@link #canWrite} is false. */
    public void requireWritable(int aliveStorageNodes) {
        if (!canWrite(aliveStorageNodes)) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "too few healthy storage nodes: "
                    + aliveStorageNodes + " alive, a write needs " + writeQuorum);
        }
    }
}
