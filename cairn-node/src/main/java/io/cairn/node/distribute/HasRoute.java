package io.cairn.node.distribute;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;

/**
 * {@code PUT /has/{id}} (SPEC §3.2; body in {@link HasReport}) → 200, empty. The body is bounded
 * ({@value DistributeProtocol#MAX_HAS_BODY_BYTES} bytes, refused by Content-Length before it is
 * read, or while it is counted) and parsed whole before anything is applied, so a refused
 * request (400, 404, 413) changes nothing.
 */
public final class HasRoute implements Route {
    private final DistributeService service;

    public HasRoute(DistributeService service) {
        this.service = service;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        NodeId id = NodeId.parse(ex.param("id"));
        byte[] body = ex.readBody(DistributeProtocol.MAX_HAS_BODY_BYTES);
        HasReport report = HasReport.parse(body, body.length, DistributeProtocol.MAX_ADDRESSES_PER_REQUEST);
        if (!service.has(id, report)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "storage node " + id.shortHex() + " is not registered here;"
                    + " PUT /register/" + id.hex() + " first");
        }
        ex.respondEmpty(200);
    }
}
