package io.cairn.store;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.HashedBlock;
import io.cairn.core.Lease;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One node's blocks on its own disk (SPEC §2, §5). The node's HTTP layer and the repair machinery
 * call it; it never talks to the network.
 *
 * <p>Promises:
 * <ul>
 *   <li>{@link #put} returns only after the block is durable (fsync'd); a crash at any moment
 *       never makes a half-written block visible, and a restart serves every acknowledged one.</li>
 *   <li>{@link #put} hashes the content and refuses a mismatch (HASH_MISMATCH) storing nothing;
 *       it refuses with INSUFFICIENT_STORAGE when capacity or the disk is full, breaking nothing.</li>
 *   <li>{@link #read} checks every block against its stored checksum; a corrupt copy is
 *       quarantined (never served, never overwritten in place) and reported as absent.</li>
 *   <li>Leases only grow; expired blocks are reclaimed by {@link #expire}.</li>
 * </ul>
 * All methods are safe to call from many threads. Failures are {@link io.cairn.core.CairnException}s.
 */
public interface BlockStore extends Closeable {

    enum PutOutcome { CREATED, EXISTED }

    /** Stores the block durably with at least the given lease; re-putting merges the leases. */
    PutOutcome put(Address address, ByteBuffer content, Lease lease);

    /**
     * As {@link #put(Address, ByteBuffer, Lease)} for bytes this process has just hashed itself:
     * the store may skip its own hash check, because a {@link HashedBlock} can only be made by
     * hashing (bytes from the network, with an address someone claims, never are). Every other
     * check and promise of put holds: size, space, durability, lease merge. Added for issue #5 (the
     * API Drive coordinator's own replica); this default checks the hash all the same.
     */
    default PutOutcome put(HashedBlock block, Lease lease) {
        return put(block.address(), block.content(), lease);
    }

    /**
     * Stores several blocks hashed in this process under one lease, as {@link #put(HashedBlock,
     * Lease)} would each, with outcomes in order. A store may append them all before it waits,
     * so that one group commit covers the lot instead of one wait per block (the batch route,
     * {@code POST /blocks}). A failure throws; blocks earlier in the list may be stored by then,
     * as after separate puts. This default puts them one by one.
     */
    default java.util.List<PutOutcome> putAll(java.util.List<HashedBlock> blocks, Lease lease) {
        java.util.List<PutOutcome> outcomes = new java.util.ArrayList<>(blocks.size());
        for (HashedBlock b : blocks) {
            outcomes.add(put(b, lease));
        }
        return outcomes;
    }

    /** The verified bytes of the block, or empty when absent, expired or found corrupt. */
    Optional<ByteBuffer> read(Address address);

    /**
     * As {@link #read}, with the same checks (every read verified against the stored checksum; a
     * corrupt copy is quarantined and reported absent), but the bytes may be lent rather than
     * copied, and the lease comes along so that a renew-on-read needs no second lookup. The
     * caller must {@link BlockView#close} the view. Added for issue #2 (GET fast path); this
     * default copies.
     */
    default Optional<BlockView> readView(Address address) {
        Optional<Lease> lease = lease(address);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        return read(address).map(b -> new BlockView(b, lease.get().expiresEpochSecond(), null));
    }

    /**
     * {@link #readView} for many blocks at once (the read batch, {@code POST /blocks/read}): one
     * view or null per address, in order, with the same checks. The caller closes every view.
     * Refused with TOO_LARGE, before any block is read, when the blocks present add up to more
     * than {@code maxBytes}.
     */
    default java.util.List<BlockView> readViews(java.util.List<Address> addresses, long maxBytes) {
        long total = 0;
        for (Address a : addresses) {
            total += Math.max(0, sizeOf(a));
        }
        if (total > maxBytes) {
            throw tooLargeBatch(maxBytes);
        }
        java.util.List<BlockView> out = new java.util.ArrayList<>(addresses.size());
        try {
            for (Address a : addresses) {
                out.add(readView(a).orElse(null));
            }
        } catch (RuntimeException e) {
            out.forEach(v -> {
                if (v != null) {
                    v.close();
                }
            });
            throw e;
        }
        return out;
    }

    /** The refusal of a read batch whose blocks add up to more than {@code maxBytes}. */
    static CairnException tooLargeBatch(long maxBytes) {
        return new CairnException(ErrorCode.TOO_LARGE, "the blocks asked for add up to more than "
                + maxBytes + " bytes; ask for fewer at a time");
    }

    /**
     * Whether reading the block now would not wait for the disk: its bytes are in memory, or it
     * is absent. A hint for callers on I/O threads, which read inline only then; false when
     * unknown (this default). Added for issue #2 (GET fast path).
     */
    default boolean isResident(Address address) {
        return false;
    }

    /** Whether the block is present (not expired); cheap, from the index. */
    boolean contains(Address address);

    /** The block's length, or -1 when absent. */
    long sizeOf(Address address);

    /** The block's lease, or empty when absent. */
    Optional<Lease> lease(Address address);

    /** Raises the block's lease to at least {@code lease}; false when the block is absent. */
    boolean renew(Address address, Lease lease);

    /** Removes the block; false when it was absent. */
    boolean delete(Address address);

    /** Reclaims every block whose lease expired at {@code now}; returns how many. */
    int expire(Instant now);

    /** Exact space accounting for {@code GET /space}. */
    SpaceReport space();

    /** How many blocks are stored. */
    long blockCount();

    /** Visits every stored address (a snapshot-consistent-enough inventory, for /has reports). */
    void forEachAddress(Consumer<Address> visitor);

    /**
     * Visits every block still held with its lease, expired ones included until {@link #expire}
     * reclaims them (they are not served meanwhile). The lease keeper of API Drive uses it to ask
     * the other replicas before a block's space is reclaimed. Added for issue #5.
     */
    default void forEachLease(java.util.function.BiConsumer<Address, Lease> visitor) {
        forEachAddress(a -> lease(a).ifPresent(l -> visitor.accept(a, l)));
    }

    /** Re-hashes up to {@code maxBytes} of stored blocks from where the last call stopped. */
    ScrubReport scrub(long maxBytes);

    /**
     * Makes every lease renewal so far durable. Renewals are otherwise made durable by the next
     * put, delete or compaction step, or by {@link #close}; call this after a batch of renewals
     * that must survive a crash. Added for issue #2.
     */
    default void sync() {}

    /**
     * One bounded step of compaction: reclaims the space of deleted and expired blocks by
     * copying the live records out of a mostly-garbage segment, reading at most about
     * {@code maxBytes} of it per call and resuming where the last call stopped. Every call makes
     * progress; call it periodically (the node: every few seconds with a few MiB). Added for issue #2.
     */
    default CompactionReport compact(long maxBytes) {
        return new CompactionReport(0, 0, 0, 0, false);
    }

    /** Told about every block added or removed (expired, deleted, quarantined). */
    void addListener(BlockListener listener);

    interface BlockListener {
        void added(Address address);

        void removed(Address address, RemovalReason reason);
    }

    enum RemovalReason { DELETED, EXPIRED, QUARANTINED }

    /** SPEC §3.1 {@code {"capacityBytes","usedBytes","freeBytes","slots"}}; slots = free 64 KiB blocks. */
    record SpaceReport(long capacityBytes, long usedBytes, long freeBytes, long slots) {}

    /**
     * What one compaction step did: bytes of segment read, bytes of live records copied, whole
     * segments deleted and their bytes; {@code busy} is false when no segment needed compacting.
     */
    record CompactionReport(long bytesScanned, long bytesCopied, int segmentsDeleted, long bytesReclaimed, boolean busy) {}

    /** What one scrub pass did. */
    record ScrubReport(long blocksChecked, long bytesChecked, long corruptFound, boolean wrappedAround) {}
}
