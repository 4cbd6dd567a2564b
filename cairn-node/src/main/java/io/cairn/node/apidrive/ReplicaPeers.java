package io.cairn.node.apidrive;

import io.cairn.core.Address;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import io.cairn.core.Placement;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The other replicas of a block as this node sees the cluster now: the N XOR-closest alive storage
 * nodes (SPEC §2), this node left out. When this node is not itself among the N (it holds a
 * handed-off copy) all N are others. Read from the membership view on every call; cheap enough
 * for batches (O(M log N) per address for M nodes).
 */
final class ReplicaPeers {
    private final Membership membership;
    private final int replication;

    ReplicaPeers(Membership membership, int replication) {
        this.membership = membership;
        this.replication = replication;
    }

    /** Alive storage members other than this node; take once per batch and pass to {@link #of}. */
    List<Member> aliveOthers() {
        List<Member> out = new ArrayList<>();
        for (Member m : membership.view()) {
            if (m.status() == NodeStatus.ALIVE && m.roles().contains(NodeInfo.ROLE_STORAGE)
                    && !m.id().equals(membership.selfId())) {
                out.add(m);
            }
        }
        return out;
    }

    /** The URLs of the block's other replicas among {@code aliveOthers}. */
    List<URI> of(Address address, List<Member> aliveOthers) {
        List<Member> all = new ArrayList<>(aliveOthers);
        all.add(membership.self());
        List<URI> out = new ArrayList<>(replication);
        for (Member m : Placement.closest(address, all, Math.min(replication, all.size()), Member::id)) {
            if (!m.id().equals(membership.selfId())) {
                out.add(m.url());
            }
        }
        return out;
    }
}
