package io.cairn.store;

import io.cairn.core.Address;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what a store told its listeners. */
final class RecordingListener implements BlockStore.BlockListener {
    final List<Address> added = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();

    @Override
    public void added(Address address) {
        added.add(address);
    }

    @Override
    public void removed(Address address, BlockStore.RemovalReason reason) {
        removed.add(reason + " " + address);
    }
}
