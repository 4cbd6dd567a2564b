package io.cairn.node.membership;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;

/**
 * {@code POST /internal/gossip} (format in {@link GossipCodec}): merges the sender's view and
 * answers with this node's. A sender whose own ID is already known here at another URL is refused
 * whole with 409 {@code conflict}, merging nothing (SPEC §1: two nodes with one ID is an error the
 * cluster refuses); other conflicting entries are skipped and logged.
 */
public final class GossipRoute implements Route {
    private final Membership membership;
    private final ConflictLog conflicts;

    public GossipRoute(Membership membership, Gossiper gossiper) {
        this.membership = membership;
        this.conflicts = gossiper.conflictLog();
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        GossipCodec.Message message = GossipCodec.decodeRequest(ex.readJson(GossipCodec.MAX_BYTES));
        Membership.Conflict conflict = membership.conflictOf(message.senderEntry());
        if (conflict != null) {
            conflicts.report(conflict, "it gossiped to this node");
            throw new CairnException(ErrorCode.CONFLICT, "node ID " + conflict.id() + " is already in the cluster at "
                    + conflict.knownUrl() + "; refusing " + conflict.claimedUrl());
        }
        Membership.MergeResult result = membership.merge(message.members());
        result.conflicts().forEach(c -> conflicts.report(c, "gossiped by " + message.sender().shortHex()));
        ex.respondJson(200, GossipCodec.encodeResponse(membership.view()));
    }
}
