package io.cairn.node.apidrive;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.nio.ByteBuffer;

/**
 * {@code GET /internal/blocks/{address}} (internal, SPEC §6): the block's verified bytes, like
 * {@code GET /blocks/{address}} but without renewing its lease. A replica's lease keeper fetches
 * a block this way to revive its own expired copy; that fetch is maintenance, not a read by
 * anyone who wants the block, so it must not make the block live longer.
 */
final class InternalBlockRoute implements Route {
    static final String PATH = "/internal/blocks/{address}";

    private final BlockStore store;

    InternalBlockRoute(BlockStore store) {
        this.store = store;
    }

    @Override
    public void handle(Exchange ex) {
        Address address = Address.parse(ex.param("address"));
        ByteBuffer content = store.read(address)
                .orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "block " + address + " is not here"));
        ex.respond(200, Exchange.OCTET_STREAM, content);
    }
}
