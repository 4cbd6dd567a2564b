package io.cairn.node.apidrive;

import io.cairn.core.Lease;
import java.time.Instant;

/**
 * What the lease keeper does with one block whose lease ends soon or has ended, given the longest
 * live lease another replica reported for it (SPEC §2: "Expiry never deletes a block that some
 * replica still holds a live lease for"). Pure.
 *
 * <ul>
 *   <li>No replica reports a lease longer than ours, or only one that has itself ended:
 *       {@link Kind#KEEP} ours; if it ends, the block expires here.</li>
 *   <li>A replica reports a longer live lease and ours is still live: {@link Kind#ADOPT} it
 *       (leases only grow, so this is a plain renewal).</li>
 *   <li>A replica reports a live lease but ours has ended: the block is no longer served here,
 *       but still on disk until the grace passes; {@link Kind#REVIVE} it with that lease (the
 *       store needs the bytes again to bring an expired block back, and they are fetched from
 *       the replica that holds the live lease and verified).</li>
 * </ul>
 *
 * @param kind  what to do
 * @param lease the lease to adopt or revive with; ours for KEEP
 */
record LeaseVerdict(Kind kind, Lease lease) {
    enum Kind { KEEP, ADOPT, REVIVE }

    static LeaseVerdict decide(Lease local, Lease bestRemote, Instant now) {
        if (bestRemote == null || bestRemote.expiresEpochSecond() <= local.expiresEpochSecond()
                || bestRemote.expiredAt(now)) {
            return new LeaseVerdict(Kind.KEEP, local);
        }
        return new LeaseVerdict(local.expiredAt(now) ? Kind.REVIVE : Kind.ADOPT, bestRemote);
    }
}
