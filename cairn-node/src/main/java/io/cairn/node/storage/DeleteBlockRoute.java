package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;

/** {@code DELETE /internal/blocks/{address}} → 204 when removed, 404 when absent. */
public final class DeleteBlockRoute implements Route {
    private final BlockStore store;

    public DeleteBlockRoute(BlockStore store) {
        this.store = store;
    }

    @Override
    public void handle(Exchange ex) {
        Address address = Address.parse(ex.param("address"));
        if (!store.delete(address)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "block " + address + " is not here");
        }
        ex.respondEmpty(204);
    }
}
