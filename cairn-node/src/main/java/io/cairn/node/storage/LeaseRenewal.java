package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.Clock;
import io.cairn.core.Lease;
import io.cairn.store.BlockStore;
import java.util.Optional;

/**
 * SPEC §2: a read renews a block's lease to at least 30 days from now. To keep reads cheap the
 * store is only written when the lease would otherwise end more than {@link #SLACK_SECONDS}
 * before that mark: a block read a thousand times in a minute is renewed once, and after any read
 * its lease ends no earlier than 30 days minus one minute from then.
 */
public final class LeaseRenewal {
    public static final long SLACK_SECONDS = 60;

    private final BlockStore store;
    private final Clock clock;

    public LeaseRenewal(BlockStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void onRead(Address address) {
        Optional<Lease> current = store.lease(address);
        if (current.isPresent()) {
            onRead(address, current.get().expiresEpochSecond());
        }
    }

    /** As {@link #onRead(Address)} when the caller already knows the lease (no second lookup). */
    public void onRead(Address address, long currentLeaseEpochSecond) {
        Lease wanted = Lease.defaultFrom(clock.now());
        if (currentLeaseEpochSecond < wanted.expiresEpochSecond() - SLACK_SECONDS) {
            store.renew(address, wanted);
        }
    }
}
