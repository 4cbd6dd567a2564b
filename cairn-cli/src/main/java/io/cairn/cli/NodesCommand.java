package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeInfoCodec;
import java.io.PrintWriter;
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

/** {@code cairn nodes}: the node list as the asked node knows it (SPEC §3.4 {@code GET /nodes}). */
@Command(name = "nodes", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "List the cluster's nodes.")
final class NodesCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "print the node list as JSON")
    boolean json;

    @Override
    public Integer call() {
        List<NodeInfo> nodes;
        try (CairnClient c = client.clientBuilder().build()) {
            nodes = c.view().refresh();
        }
        PrintWriter out = main.out();
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(Json.MAPPER.readTree(NodeInfoCodec.encodeList(nodes))));
        } else {
            out.print(table(nodes, Instant.now()));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    static String table(List<NodeInfo> nodes, Instant now) {
        String format = "%-12s  %-26s  %-8s  %-18s  %10s  %10s  %6s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, "ID", "URL", "STATUS", "ROLES", "FREE", "CAPACITY", "LOAD", "LAST SEEN"));
        nodes.stream().sorted(Comparator.comparing((NodeInfo n) -> n.url().toString())).forEach(n -> sb.append(String.format(
                Locale.ROOT, format, n.id().shortHex(), n.url(), n.status().wire(),
                String.join(",", n.roles().stream().sorted().toList()),
                Sizes.human(n.freeBytes()), Sizes.human(n.capacityBytes()),
                String.format(Locale.ROOT, "%.0f", n.load()), ago(n.lastSeenMillis(), now))));
        long alive = nodes.stream().filter(NodeInfo::alive).count();
        sb.append(String.format(Locale.ROOT, "%d nodes, %d alive%n", nodes.size(), alive));
        return sb.toString();
    }

    static String ago(long epochMillis, Instant now) {
        if (epochMillis <= 0) {
            return "never";
        }
        Duration d = Duration.between(Instant.ofEpochMilli(epochMillis), now);
        if (d.isNegative() || d.toMillis() < 1000) {
            return "now";
        }
        if (d.toSeconds() < 120) {
            return d.toSeconds() + "s ago";
        }
        if (d.toMinutes() < 120) {
            return d.toMinutes() + "m ago";
        }
        return d.toHours() + "h ago";
    }
}
