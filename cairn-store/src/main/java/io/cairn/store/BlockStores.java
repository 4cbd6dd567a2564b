package io.cairn.store;

/**
 * The one way to get a {@link BlockStore}. The node opens its store with it at start and closes it
 * at shutdown; one directory may be open by one store at a time.
 */
public final class BlockStores {
    private BlockStores() {}

    /** Opens (creating if missing) the store in {@code config.dir()}, recovering after a crash. */
    public static BlockStore open(StoreConfig config) {
        return SegmentBlockStore.open(config, StoreOptions.defaults());
    }
}
