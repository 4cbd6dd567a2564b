package io.cairn.node.apidrive;

import io.cairn.core.Address;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import java.nio.ByteBuffer;

/**
 * {@code POST /api/drive/store} (SPEC §3.3) body = BSON {@code {"Data": <binary>}} → 200
 * {@code application/bson} {@code {"Id": "<address>"}}. Order of checks, each failure changing
 * nothing: the client's store budget (429 + Retry-After), the body's size (413, Content-Length
 * first), the BSON (400, see {@link DriveCodec}), then the quorum write ({@link DriveCoordinator}:
 * 503 too few replicas, 507 full). The request's Content-Type is not checked: the body is.
 */
final class DriveStoreRoute implements Route {
    static final String PATH = "/api/drive/store";

    private final DriveCodec codec;
    private final DriveRateLimiter limiter;
    private final DriveCoordinator coordinator;

    DriveStoreRoute(DriveCodec codec, DriveRateLimiter limiter, DriveCoordinator coordinator) {
        this.codec = codec;
        this.limiter = limiter;
        this.coordinator = coordinator;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        limiter.acquire(ex);
        byte[] body = ex.readBody(codec.maxStoreRequestBytes());
        ByteBuffer data = codec.decodeStoreData(body); // a view of the body, not a copy
        Address id = coordinator.store(data);
        ex.respond(200, DriveService.BSON, ByteBuffer.wrap(codec.encodeStoreResponse(id)));
    }
}
