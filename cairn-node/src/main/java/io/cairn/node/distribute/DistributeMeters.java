package io.cairn.node.distribute;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The distribute service's meters (issue #9), registered on the node's registry when the node
 * plays the role. Every value is read at scrape time from counters the service keeps anyway, so
 * nothing here touches the repair or request paths. Names are in docs/OPERATIONS.md.
 */
public final class DistributeMeters {
    private DistributeMeters() {}

    public static void bind(DistributeService s, MeterRegistry registry) {
        RepairScheduler r = s.repair;
        Gauge.builder("cairn.repair.queue.orders", r, RepairScheduler::queued)
                .description("repair orders waiting (copies and trims)").register(registry);
        Gauge.builder("cairn.repair.inflight.copies", r, RepairScheduler::inFlight)
                .description("repair copies running now").register(registry);
        Gauge.builder("cairn.repair.rate.limit.bytes.per.second", r, RepairScheduler::rateBytesPerSecond)
                .description("repair rate limit, 0 = unlimited").register(registry);
        FunctionCounter.builder("cairn.repair.copies", r, x -> x.copiesDone.get())
                .description("copies that stored a block on a new holder").register(registry);
        FunctionCounter.builder("cairn.repair.copied.bytes", r, x -> x.copyBytes.get())
                .description("bytes stored by repair copies").register(registry);
        FunctionCounter.builder("cairn.repair.copy.failures", r, x -> x.copyFailures.get())
                .description("repair copies that failed").register(registry);
        FunctionCounter.builder("cairn.repair.trims", r, x -> x.trimsDone.get())
                .description("extra copies deleted").register(registry);
        Gauge.builder("cairn.repair.blocked", r, x -> x.blockedBecause() == null ? 0 : 1)
                .description("1 while repair waits for a whole picture").register(registry);
        Gauge.builder("cairn.distribute.blocks.tracked", s, x -> x.table.blockCount())
                .description("blocks the distribute service knows").register(registry);
        for (int i = 0; i <= s.replication; i++) {
            int copies = i;
            Gauge.builder("cairn.distribute.blocks", r, x -> {
                        long[] h = x.lastPass().healthyCopies();
                        return copies < h.length ? h[copies] : 0;
                    })
                    .tag("healthy_copies", i == s.replication ? i + "+" : Integer.toString(i))
                    .description("blocks by copies on healthy nodes, as of the last repair pass").register(registry);
        }
        for (NodeHealth.State state : NodeHealth.State.values()) {
            Gauge.builder("cairn.distribute.nodes", s,
                            x -> x.nodes().stream().filter(n -> n.health().state() == state).count())
                    .tag("state", state.wire()).description("registered storage nodes by health").register(registry);
        }
    }
}
