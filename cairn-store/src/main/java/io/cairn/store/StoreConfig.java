package io.cairn.store;

import io.cairn.core.Clock;
import java.nio.file.Path;

/**
 * How a block store is opened.
 *
 * @param dir           the store's own directory (created if missing)
 * @param capacityBytes most bytes of block content it may hold; 0 means the disk's free space
 * @param clock         time for leases and expiry
 */
public record StoreConfig(Path dir, long capacityBytes, Clock clock) {
    public static StoreConfig of(Path dir) {
        return new StoreConfig(dir, 0, Clock.SYSTEM);
    }
}
