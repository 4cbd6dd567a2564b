package io.cairn.store;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exact accounting of live block content, and admission of new blocks against the capacity.
 *
 * <p>usedBytes is the sum of the content lengths of the blocks in the index, exactly; record
 * headers, garbage awaiting compaction and hint files are not counted (they are overhead of the
 * layout, bounded by compaction). capacityBytes is the configured capacity, or when it is 0, the
 * used bytes plus what the disk has free. freeBytes never promises more than the disk has free
 * beyond {@link #DISK_RESERVE_BYTES}, kept so that deletes, tombstones, hint files and compaction
 * can still write when the disk is otherwise full.
 */
final class SpaceAccount {
    /** Room kept free on the disk for tombstones, hint files and compaction: 64 MiB. */
    static final long DISK_RESERVE_BYTES = 64L * 1024 * 1024;
    static final long SLOT_BYTES = 64 * 1024;

    private final StoreConfig config;
    private final long diskReserveBytes;
    private final FileStore disk;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong reservedBytes = new AtomicLong();

    SpaceAccount(StoreConfig config) {
        this(config, DISK_RESERVE_BYTES);
    }

    SpaceAccount(StoreConfig config, long diskReserveBytes) {
        this.config = config;
        this.diskReserveBytes = diskReserveBytes;
        try {
            this.disk = Files.getFileStore(config.dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long diskFreeBytes() {
        try {
            return Math.max(0, disk.getUsableSpace() - diskReserveBytes);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Reserves room for {@code bytes} of new content or refuses with INSUFFICIENT_STORAGE. The
     * caller must {@link #commit} or {@link #release} the reservation.
     */
    void reserve(long bytes) {
        long limit = config.capacityBytes();
        while (true) {
            long reserved = reservedBytes.get();
            long wanted = usedBytes.get() + reserved + bytes;
            if (limit > 0 && wanted > limit) {
                throw new CairnException(ErrorCode.INSUFFICIENT_STORAGE,
                        "capacity of " + limit + " bytes reached (" + usedBytes.get() + " used)");
            }
            if (bytes + reserved > diskFreeBytes()) {
                throw new CairnException(ErrorCode.INSUFFICIENT_STORAGE, "disk full");
            }
            if (reservedBytes.compareAndSet(reserved, reserved + bytes)) {
                return;
            }
        }
    }

    void release(long bytes) {
        reservedBytes.addAndGet(-bytes);
    }

    /** Turns a reservation into used space: the block is now in the index. */
    void commit(long bytes) {
        usedBytes.addAndGet(bytes);
        reservedBytes.addAndGet(-bytes);
    }

    /** A block entered the index without a reservation (recovery). */
    void added(long bytes) {
        usedBytes.addAndGet(bytes);
    }

    void removed(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    long usedBytes() {
        return usedBytes.get();
    }

    BlockStore.SpaceReport report() {
        long used = usedBytes.get();
        long diskFree = diskFreeBytes();
        long capacity = config.capacityBytes() > 0 ? config.capacityBytes() : used + diskFree;
        long free = Math.max(0, Math.min(capacity - used, diskFree));
        return new BlockStore.SpaceReport(capacity, used, free, free / SLOT_BYTES);
    }
}
