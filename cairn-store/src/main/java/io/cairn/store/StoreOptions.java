package io.cairn.store;

import java.security.SecureRandom;

/**
 * Tuning that is not part of {@link StoreConfig}: fixed in production, varied by tests and
 * benchmarks.
 *
 * @param maxSegmentBytes      a segment is sealed before it would pass this (default 256 MiB)
 * @param indexSeed            mixes the index's hash so clients cannot aim at one probe run
 * @param compactBelowLiveRatio a sealed segment is compacted when less than this fraction of it
 *                             is live (default 0.5, so copying costs at most as much as it frees)
 * @param diskReserveBytes     disk space new blocks may not take, kept for deletes, tombstones,
 *                             hints and compaction (default 64 MiB)
 */
record StoreOptions(long maxSegmentBytes, long indexSeed, double compactBelowLiveRatio, long diskReserveBytes) {
    static final double DEFAULT_COMPACT_BELOW = 0.5;

    StoreOptions(long maxSegmentBytes, long indexSeed, double compactBelowLiveRatio) {
        this(maxSegmentBytes, indexSeed, compactBelowLiveRatio, SpaceAccount.DISK_RESERVE_BYTES);
    }

    StoreOptions {
        if (diskReserveBytes < 0) {
            throw new IllegalArgumentException("diskReserveBytes must not be negative, got " + diskReserveBytes);
        }
        if (!(compactBelowLiveRatio > 0 && compactBelowLiveRatio <= 1)) {
            throw new IllegalArgumentException("compactBelowLiveRatio must be in (0, 1], got " + compactBelowLiveRatio);
        }
    }

    static StoreOptions defaults() {
        return new StoreOptions(SegmentLog.DEFAULT_SEGMENT_BYTES, new SecureRandom().nextLong(), DEFAULT_COMPACT_BELOW);
    }

    StoreOptions withMaxSegmentBytes(long bytes) {
        return new StoreOptions(bytes, indexSeed, compactBelowLiveRatio, diskReserveBytes);
    }
}
