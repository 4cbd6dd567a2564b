package io.cairn.node.distribute;

import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /distribute/status} → what the distribute service knows and does:
 * <pre>
 * {"protocol":"distribute-v1","serviceId","replication","blocksTracked","replicasTracked",
 *  "underReplicated","misplaced","overReplicated","unavailable","healthyCopies":[b0..bN]|null,
 *  "repairQueue","repairsInFlight",
 *  "repairState":"repairing"|"idle"|"blocked","blockedBecause":null|"...",
 *  "repairRateBytesPerSecond","copiesDone","copyBytes","copyFailures","trimsDone",
 *  "lastPass":{"atEpochMillis","durationMillis"},
 *  "nodes":[{"id","url","state":"alive"|"suspect"|"dead","registered","inventory":"complete"|"receiving",
 *            "holdings","failures","lastOkEpochMillis"}]}
 * </pre>
 * Counts of blocks are as of the last repair pass ({@code lastPass}); {@code replicasTracked}
 * and per-node {@code holdings} are live. A block is under-replicated when fewer than
 * min(N, placeable nodes) healthy or suspect nodes hold it; misplaced when it has enough copies
 * but not on its N closest nodes; unavailable when no healthy node holds it. {@code healthyCopies}
 * (issue #9) is a histogram of the last pass: element i counts the blocks held by exactly i
 * alive (healthy, not suspect) nodes, the last element N or more; null before the first pass.
 */
public final class StatusRoute implements Route {
    private final DistributeService service;

    public StatusRoute(DistributeService service) {
        this.service = service;
    }

    @Override
    public void handle(Exchange ex) {
        ex.respondJson(200, Status.of(service));
    }

    /** One node's line of the status. */
    public record NodeStatus(String id, String url, String state, boolean registered, String inventory, long holdings,
                             int failures, long lastOkEpochMillis) {}

    /** The status document; field names are the wire names. */
    public record Status(String protocol, String serviceId, int replication, long blocksTracked, long replicasTracked,
                         long underReplicated, long misplaced, long overReplicated, long unavailable, long[] healthyCopies,
                         int repairQueue,
                         int repairsInFlight, String repairState, String blockedBecause, long repairRateBytesPerSecond,
                         long copiesDone, long copyBytes, long copyFailures, long trimsDone, LastPass lastPass,
                         List<NodeStatus> nodes) {
        public record LastPass(long atEpochMillis, long durationMillis) {}

        static Status of(DistributeService s) {
            RepairScheduler r = s.repair;
            RepairScheduler.PassStats p = r.lastPass();
            List<NodeStatus> nodes = new ArrayList<>();
            long replicas = 0;
            for (StorageNode n : s.nodes()) {
                NodeHealth h = n.health();
                long held = n.holdings.get();
                replicas += held;
                nodes.add(new NodeStatus(n.id.hex(), n.url() == null ? null : n.url().toString(), h.state().wire(),
                        n.registered(), n.inventoryComplete() ? "complete" : "receiving", held, h.failures(),
                        n.lastOkMillis()));
            }
            String blocked = r.blockedBecause();
            int queue = r.queued();
            int inFlight = r.inFlight();
            String state = blocked != null ? "blocked" : queue > 0 || inFlight > 0 ? "repairing" : "idle";
            return new Status(DistributeProtocol.TOKEN, s.serviceId.hex(), s.replication, s.table.blockCount(), replicas,
                    p.underReplicated(), p.misplaced(), p.overReplicated(), p.unavailable(),
                    p.atEpochMillis() == 0 ? null : p.healthyCopies().clone(), queue, inFlight, state,
                    blocked, r.rateBytesPerSecond(), r.copiesDone.get(), r.copyBytes.get(), r.copyFailures.get(),
                    r.trimsDone.get(), new LastPass(p.atEpochMillis(), p.durationMillis()), nodes);
        }
    }
}
