package io.cairn.store;

import io.cairn.core.Address;
import io.cairn.core.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store's parts share: the index, the log, the space account, the listeners, and the
 * operations more than one part needs (removing an entry with its tombstone, quarantining).
 *
 * <p>Tombstones: a removal appends a TOMBSTONE record carrying a fresh sequence number X and the
 * id of the segment that held the removed record. On replay a tombstone removes the address's
 * entry only if that entry's record has a sequence number below X, so a tombstone that
 * compaction copied to a later position never removes a newer incarnation of the block.
 */
final class StoreState {
    private static final Logger LOG = LoggerFactory.getLogger(StoreState.class);

    final Path quarantineDir;
    final Clock clock;
    final BlockIndex index;
    final SegmentLog log;
    final BlockLocator locator;
    final SpaceAccount space;
    final List<BlockStore.BlockListener> listeners = new CopyOnWriteArrayList<>();

    StoreState(Path quarantineDir, Clock clock, BlockIndex index, SegmentLog log, SpaceAccount space) {
        this.quarantineDir = quarantineDir;
        this.clock = clock;
        this.index = index;
        this.log = log;
        this.space = space;
        this.locator = new BlockLocator(index, log.segments());
    }

    ReentrantLock lockFor(Address a) {
        return index.lockFor(BlockIndex.k0(a));
    }

    boolean expired(long leaseEpochSecond) {
        return leaseEpochSecond <= clock.now().getEpochSecond();
    }

    static int recordBytes(int length) {
        return SegmentRecord.HEADER_BYTES + length;
    }

    void addLive(int segment, long bytes) {
        Segment s = log.segment(segment);
        if (s != null) {
            s.liveBytes.addAndGet(bytes);
        }
    }

    /**
     * Appends the tombstone, then takes the entry out of the index. The caller holds the address's
     * shard lock. Returns the tombstone's ticket, or -1 when the entry was no longer there.
     */
    long removeEntry(Address address, BlockIndex.Location loc) {
        long k0 = BlockIndex.k0(address);
        long k1 = BlockIndex.k1(address);
        SegmentLog.Appended tomb = log.append(SegmentRecord.TOMBSTONE, address, -1, loc.segment(), null, 0);
        addLive(tomb.segment(), SegmentRecord.HEADER_BYTES); // a tombstone stays needed until compaction proves otherwise
        BlockIndex.Location removed = index.remove(k0, k1, loc.segment(), loc.offset());
        if (removed == null) {
            return -1;
        }
        addLive(loc.segment(), -recordBytes(removed.length()));
        space.removed(removed.length());
        return tomb.ticket();
    }

    /**
     * Takes a corrupt copy out of service: out of the index (so never served again), a tombstone
     * (so it stays out after a restart), its raw bytes copied to {@code quarantine/} for a person
     * to look at, and the listeners told. The bytes in the segment are left alone, never
     * overwritten in place; compaction drops them later like any garbage.
     */
    boolean quarantine(Address address, BlockIndex.Location loc, String why) {
        ReentrantLock lock = lockFor(address);
        lock.lock();
        try {
            if (index.candidates(BlockIndex.k0(address), BlockIndex.k1(address)).stream()
                    .noneMatch(c -> c.segment() == loc.segment() && c.offset() == loc.offset())) {
                return false; // someone else got there first
            }
            try {
                removeEntry(address, loc);
            } catch (RuntimeException e) {
                // cannot even append a tombstone (disk full): never serve it; a restart finds it again
                BlockIndex.Location removed = index.remove(BlockIndex.k0(address), BlockIndex.k1(address), loc.segment(), loc.offset());
                if (removed != null) {
                    space.removed(removed.length());
                }
            }
        } finally {
            lock.unlock();
        }
        LOG.warn("quarantined {} at segment {} offset {}: {}", address, loc.segment(), loc.offset(), why);
        keepEvidence(address, loc);
        notifyRemoved(address, BlockStore.RemovalReason.QUARANTINED);
        return true;
    }

    private void keepEvidence(Address address, BlockIndex.Location loc) {
        Segment s = log.segment(loc.segment());
        if (s == null) {
            return;
        }
        try {
            Files.createDirectories(quarantineDir);
            long available = Math.max(0, s.sizeBytes() - loc.offset());
            int n = (int) Math.min(available, recordBytes(loc.length()));
            ByteBuffer raw = s.read(loc.offset(), n);
            Path file = quarantineDir.resolve(String.format("%08x-%08x-%s.bad", loc.segment(), loc.offset(), address.hex()));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                while (raw.hasRemaining()) {
                    ch.write(raw);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not copy the quarantined record of {} aside: {}", address, e.toString());
        }
    }

    /** The address recorded in a header, or, when the header is damaged, the 16 known bytes padded with zeros. */
    static Address addressOf(SegmentRecord.Header header, long k0, long k1) {
        if (header != null) {
            return header.address();
        }
        return Address.ofBytes(ByteBuffer.allocate(32).putLong(k0).putLong(k1).array());
    }

    void notifyAdded(Address address) {
        for (BlockStore.BlockListener l : listeners) {
            try {
                l.added(address);
            } catch (RuntimeException e) {
                LOG.warn("listener failed on added {}", address, e);
            }
        }
    }

    void notifyRemoved(Address address, BlockStore.RemovalReason reason) {
        for (BlockStore.BlockListener l : listeners) {
            try {
                l.removed(address, reason);
            } catch (RuntimeException e) {
                LOG.warn("listener failed on removed {}", address, e);
            }
        }
    }
}
