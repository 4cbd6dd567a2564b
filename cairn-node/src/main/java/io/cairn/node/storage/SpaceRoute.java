package io.cairn.node.storage;

import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;

/** {@code GET /space} → {@code {"capacityBytes","usedBytes","freeBytes","slots"}} (SPEC §3.1). */
public final class SpaceRoute implements Route {
    private final BlockStore store;

    public SpaceRoute(BlockStore store) {
        this.store = store;
    }

    @Override
    public void handle(Exchange ex) {
        ex.respondJson(200, store.space());
    }
}
