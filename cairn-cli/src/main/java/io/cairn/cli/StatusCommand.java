package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.JettyTransport;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code cairn status}: the distribute service's {@code GET /distribute/status}, readable. The
 * service is found in the asked node's node list (the alive node with the distribute role), so
 * {@code --node} may be any node of the cluster.
 *
 * <p>Issue #9: the first line is the verdict (healthy / degraded / critical), in colour on a
 * terminal unless {@code NO_COLOR} is set, plain when piped. The exit code says the same for
 * scripts: {@link #EXIT_HEALTHY} when every block has N healthy copies, {@link #EXIT_DEGRADED}
 * when some have fewer (or replication is not measured yet), {@link #EXIT_CRITICAL} when some have
 * none. A failure to ask (no service, unreachable) is 1 with one line on stderr, as for every
 * command.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Show replication health: blocks tracked, under-replicated, repair, each node's state.",
                "Exit code: 0 every block has N healthy copies, 1 some have fewer, 2 some have none."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ClientOptions client;

    static final int EXIT_HEALTHY = 0;
    static final int EXIT_DEGRADED = 1;
    static final int EXIT_CRITICAL = 2;

    @Option(names = "--json", description = "print the status document as JSON, with \"verdict\" added")
    boolean json;

    private List<NodeInfo> nodes = List.of();

    @Override
    public Integer call() {
        URI service = findService();
        JsonNode status;
        try (JettyTransport transport = new JettyTransport(client.clusterKey())) {
            HttpReply reply = transport.exchange(HttpCall.get(service.resolve("/distribute/status"))
                    .withTimeout(Duration.ofSeconds(10))).join();
            if (reply.status() != 200) {
                throw new CairnException(ErrorCode.ofStatus(reply.status()),
                        service + " answered " + reply.status() + " to GET /distribute/status");
            }
            status = Json.MAPPER.readTree(reply.body());
        }
        PrintWriter out = main.out();
        Verdict verdict = Verdict.of(status);
        if (json) {
            var doc = ((tools.jackson.databind.node.ObjectNode) status).deepCopy();
            doc.putObject("verdict").put("health", verdict.word()).put("exitCode", verdict.exitCode())
                    .put("reason", verdict.reason());
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } else {
            boolean colour = main.terminal && System.getenv("NO_COLOR") == null;
            out.print(render(service, status, nodes, Instant.now(), colour));
        }
        out.flush();
        return verdict.exitCode();
    }

    /** The status in one word, its exit code and why. */
    record Verdict(String word, int exitCode, String reason) {
        static Verdict of(JsonNode s) {
            JsonNode h = s.get("healthyCopies");
            long tracked = s.get("blocksTracked").longValue();
            if (h == null || h.isNull() || h.isEmpty()) {
                return tracked == 0 ? new Verdict("healthy", EXIT_HEALTHY, "no blocks tracked")
                        : new Verdict("degraded", EXIT_DEGRADED, "replication not measured yet ("
                        + (s.get("blockedBecause").isNull() ? "first pass pending" : s.get("blockedBecause").stringValue()) + ")");
            }
            int n = h.size() - 1;
            long none = h.get(0).longValue();
            long fewer = 0;
            for (int i = 1; i < n; i++) {
                fewer += h.get(i).longValue();
            }
            if (none > 0) {
                return new Verdict("critical", EXIT_CRITICAL, String.format(Locale.ROOT,
                        "%,d blocks have no healthy copy", none) + (fewer > 0 ? String.format(Locale.ROOT,
                        ", %,d fewer than %d", fewer, n) : ""));
            }
            if (fewer > 0) {
                return new Verdict("degraded", EXIT_DEGRADED, String.format(Locale.ROOT,
                        "%,d blocks have fewer than %d healthy copies", fewer, n));
            }
            long counted = h.get(n).longValue();
            // The histogram is the last repair pass's; blocks written since are not in it yet.
            String newer = tracked > counted ? String.format(Locale.ROOT, " (%,d newer not counted yet)",
                    tracked - counted) : "";
            return new Verdict("healthy", EXIT_HEALTHY, String.format(Locale.ROOT,
                    "all %,d blocks have %d healthy copies", counted, n) + newer);
        }
    }

    private URI findService() {
        List<NodeInfo> nodes;
        try (CairnClient c = client.clientBuilder().build()) {
            nodes = c.view().refresh();
        }
        this.nodes = nodes;
        return nodes.stream().filter(n -> n.alive() && n.roles().contains(NodeInfo.ROLE_DISTRIBUTE))
                .min(Comparator.comparing(NodeInfo::id)).map(NodeInfo::url)
                .orElseThrow(() -> new CairnException(ErrorCode.UNAVAILABLE,
                        "no alive node plays the distribute role (start one with `cairn node ... --distribute`)"));
    }

    private static final String GREEN = "\u001b[1;32m";
    private static final String YELLOW = "\u001b[1;33m";
    private static final String RED = "\u001b[1;31m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private static String paint(boolean colour, String code, String text) {
        return colour ? code + text + RESET : text;
    }

    private static String stateColour(String state) {
        return switch (state) {
            case "alive" -> GREEN;
            case "suspect" -> YELLOW;
            default -> RED;
        };
    }

    static String render(URI service, JsonNode s, List<NodeInfo> gossip, Instant now, boolean colour) {
        StringBuilder sb = new StringBuilder();
        Verdict v = Verdict.of(s);
        String vc = v.exitCode() == EXIT_HEALTHY ? GREEN : v.exitCode() == EXIT_DEGRADED ? YELLOW : RED;
        long alive = gossip.stream().filter(NodeInfo::alive).count();
        sb.append(paint(colour, vc, v.word().toUpperCase(Locale.ROOT))).append("  ").append(v.reason());
        if (!gossip.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "; %d of %d nodes alive", alive, gossip.size()));
        }
        sb.append(System.lineSeparator());
        JsonNode h = s.get("healthyCopies");
        if (h != null && !h.isNull() && !h.isEmpty()) {
            int n = h.size() - 1;
            sb.append("healthy copies");
            for (int i = n; i >= 0; i--) {
                String cell = String.format(Locale.ROOT, "  %s: %,d", i == n ? n + "+" : Integer.toString(i), h.get(i).longValue());
                String c = i == n ? GREEN : i == 0 ? RED : YELLOW;
                sb.append(h.get(i).longValue() > 0 ? paint(colour, c, cell) : paint(colour, DIM, cell));
            }
            sb.append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "distribute service %s at %s (%s, N=%d)%n",
                s.get("serviceId").stringValue().substring(0, 12), service, s.get("protocol").stringValue(),
                s.get("replication").intValue()));
        String state = s.get("repairState").stringValue();
        sb.append("repair: ").append(switch (state) {
            case "repairing" -> String.format(Locale.ROOT, "repairing (%d queued, %d in flight)",
                    s.get("repairQueue").intValue(), s.get("repairsInFlight").intValue());
            case "blocked" -> "waiting: " + s.get("blockedBecause").stringValue();
            default -> "idle";
        }).append(String.format(Locale.ROOT, "; rate limit %s%n", s.get("repairRateBytesPerSecond").longValue() == 0
                ? "none" : Sizes.human(s.get("repairRateBytesPerSecond").longValue()) + "/s"));
        sb.append(String.format(Locale.ROOT, "blocks tracked %,d  replicas %,d  under-replicated %,d  unavailable %,d"
                        + "  misplaced %,d  over-replicated %,d%n",
                s.get("blocksTracked").longValue(), s.get("replicasTracked").longValue(),
                s.get("underReplicated").longValue(), s.get("unavailable").longValue(),
                s.get("misplaced").longValue(), s.get("overReplicated").longValue()));
        sb.append(String.format(Locale.ROOT, "repaired %,d copies (%s), %,d failed, %,d extra copies trimmed%n",
                s.get("copiesDone").longValue(), Sizes.human(s.get("copyBytes").longValue()),
                s.get("copyFailures").longValue(), s.get("trimsDone").longValue()));
        String format = "%-12s  %-26s  %-7s  %-9s  %10s  %8s  %-19s  %s%n";
        sb.append(String.format(Locale.ROOT, format, "NODE", "URL", "STATE", "INVENTORY", "HOLDINGS", "FAILURES",
                "USED / CAPACITY", "LAST OK"));
        java.util.Map<String, NodeInfo> byId = new java.util.HashMap<>();
        gossip.forEach(g -> byId.put(g.id().hex(), g));
        for (JsonNode n : s.get("nodes")) {
            String inventory = n.get("registered").booleanValue() ? n.get("inventory").stringValue() : "unregistered";
            String health = n.get("state").stringValue();
            NodeInfo g = byId.get(n.get("id").stringValue());
            String space = g == null || g.capacityBytes() == 0 ? "?" : Sizes.human(g.capacityBytes() - g.freeBytes())
                    + " / " + Sizes.human(g.capacityBytes());
            String line = String.format(Locale.ROOT, format, n.get("id").stringValue().substring(0, 12),
                    n.get("url").isNull() ? "?" : n.get("url").stringValue(), health, inventory,
                    String.format(Locale.ROOT, "%,d", n.get("holdings").longValue()), n.get("failures").intValue(),
                    space, NodesCommand.ago(n.get("lastOkEpochMillis").longValue(), now));
            // Colour the state word only; padding stays right because the codes go around the padded field.
            sb.append(colour ? line.replaceFirst(" " + health + " ", " " + paint(true, stateColour(health), health) + " ") : line);
        }
        return sb.toString();
    }
}
