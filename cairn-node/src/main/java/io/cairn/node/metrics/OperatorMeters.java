package io.cairn.node.metrics;

import io.cairn.node.membership.Membership;
import io.cairn.node.storage.StoreMaintenance;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters over the node's background work (issue #9): scrub, expiry and gossip. Each reads a
 * counter its owner keeps anyway, at scrape time only. Names are in docs/OPERATIONS.md.
 */
public final class OperatorMeters {
    private OperatorMeters() {}

    public static void bindMaintenance(StoreMaintenance m, MeterRegistry registry) {
        FunctionCounter.builder("cairn.scrub.checked.bytes", m, StoreMaintenance::bytesScrubbed)
                .description("bytes re-hashed by the scrubber").register(registry);
        FunctionCounter.builder("cairn.scrub.checked.blocks", m, StoreMaintenance::blocksScrubbed)
                .description("blocks re-hashed by the scrubber").register(registry);
        FunctionCounter.builder("cairn.scrub.rounds", m, StoreMaintenance::scrubRounds)
                .description("whole passes of the scrubber over the store").register(registry);
        FunctionCounter.builder("cairn.scrub.corrupt.blocks", m, StoreMaintenance::corruptFound)
                .description("corrupt blocks found and quarantined").register(registry);
        FunctionCounter.builder("cairn.scrub.eased.ticks", m, StoreMaintenance::scrubTicksEased)
                .description("scrub ticks run at an eighth of the budget because the node was busy with requests")
                .register(registry);
        FunctionCounter.builder("cairn.leases.expired.blocks", m, StoreMaintenance::blocksExpired)
                .description("blocks reclaimed because their lease expired").register(registry);
    }

    public static void bindGossip(Membership membership, MeterRegistry registry) {
        Gauge.builder("cairn.gossip.heartbeat", membership, m -> m.self().heartbeat())
                .description("this node's gossip heartbeat; rises every gossip interval").register(registry);
    }
}
