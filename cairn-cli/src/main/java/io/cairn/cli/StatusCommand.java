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
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Show replication health: blocks tracked, under-replicated, repair, each node's state.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "print the status document as JSON")
    boolean json;

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
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            out.print(render(service, status, Instant.now()));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private URI findService() {
        List<NodeInfo> nodes;
        try (CairnClient c = client.clientBuilder().build()) {
            nodes = c.view().refresh();
        }
        return nodes.stream().filter(n -> n.alive() && n.roles().contains(NodeInfo.ROLE_DISTRIBUTE))
                .min(Comparator.comparing(NodeInfo::id)).map(NodeInfo::url)
                .orElseThrow(() -> new CairnException(ErrorCode.UNAVAILABLE,
                        "no alive node plays the distribute role (start one with `cairn node ... --distribute`)"));
    }

    static String render(URI service, JsonNode s, Instant now) {
        StringBuilder sb = new StringBuilder();
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
        String format = "%-12s  %-26s  %-7s  %-9s  %10s  %8s  %s%n";
        sb.append(String.format(Locale.ROOT, format, "NODE", "URL", "STATE", "INVENTORY", "HOLDINGS", "FAILURES", "LAST OK"));
        for (JsonNode n : s.get("nodes")) {
            String inventory = n.get("registered").booleanValue() ? n.get("inventory").stringValue() : "unregistered";
            sb.append(String.format(Locale.ROOT, format, n.get("id").stringValue().substring(0, 12),
                    n.get("url").isNull() ? "?" : n.get("url").stringValue(), n.get("state").stringValue(), inventory,
                    String.format(Locale.ROOT, "%,d", n.get("holdings").longValue()), n.get("failures").intValue(),
                    NodesCommand.ago(n.get("lastOkEpochMillis").longValue(), now)));
        }
        return sb.toString();
    }
}
