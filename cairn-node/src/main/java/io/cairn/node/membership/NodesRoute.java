package io.cairn.node.membership;

import io.cairn.core.NodeInfoCodec;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;

/** {@code GET /nodes} (SPEC §3.4): every node this one knows, itself first, in {@link NodeInfoCodec}'s JSON. */
public final class NodesRoute implements Route {
    private final Membership membership;

    public NodesRoute(Membership membership) {
        this.membership = membership;
    }

    @Override
    public void handle(Exchange ex) {
        ex.respondJson(200, NodeInfoCodec.encodeList(membership.nodeInfos()));
    }
}
