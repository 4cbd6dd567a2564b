package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.JettyTransport;
import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code cairn space}: every alive storage node's {@code GET /space} (SPEC §3.1) and their sum.
 * A node that does not answer is listed as such and left out of the sum.
 */
@Command(name = "space", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Capacity, used and free space and 64 KiB slots of every node, and the cluster's total.")
final class SpaceCommand implements Callable<Integer> {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final String[] FIELDS = {"capacityBytes", "usedBytes", "freeBytes", "slots"};

    @ParentCommand
    Main main;

    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "print {\"nodes\":[...],\"total\":{...}} as JSON")
    boolean json;

    record Space(String url, long[] values) {}

    @Override
    public Integer call() {
        List<NodeInfo> nodes;
        try (CairnClient c = client.clientBuilder().build()) {
            nodes = c.view().refresh().stream().filter(n -> n.alive() && n.stores())
                    .sorted(Comparator.comparing((NodeInfo n) -> n.url().toString())).toList();
        }
        List<Space> answers = new ArrayList<>();
        try (JettyTransport t = new JettyTransport(null)) {
            List<CompletableFuture<HttpReply>> calls = nodes.stream()
                    .map(n -> t.exchange(HttpCall.get(n.url().resolve("/space")).withTimeout(TIMEOUT))
                            .exceptionally(e -> null)).toList();
            for (int i = 0; i < nodes.size(); i++) {
                HttpReply r = calls.get(i).join();
                answers.add(new Space(nodes.get(i).url().toString(), r == null || r.status() != 200 ? null : parse(r.body())));
            }
        }
        long[] total = new long[FIELDS.length];
        answers.stream().filter(s -> s.values() != null).forEach(s -> {
            for (int i = 0; i < total.length; i++) {
                total[i] += s.values()[i];
            }
        });
        PrintWriter out = main.out();
        if (json) {
            var root = Json.MAPPER.createObjectNode();
            var list = root.putArray("nodes");
            for (Space s : answers) {
                var o = list.addObject().put("url", s.url());
                if (s.values() == null) {
                    o.put("error", "no answer");
                } else {
                    for (int i = 0; i < FIELDS.length; i++) {
                        o.put(FIELDS[i], s.values()[i]);
                    }
                }
            }
            var t = root.putObject("total");
            for (int i = 0; i < FIELDS.length; i++) {
                t.put(FIELDS[i], total[i]);
            }
            out.println(Json.MAPPER.writeValueAsString(root));
        } else {
            String format = "%-28s  %10s  %10s  %10s  %12s%n";
            out.printf(Locale.ROOT, format, "NODE", "CAPACITY", "USED", "FREE", "SLOTS");
            for (Space s : answers) {
                if (s.values() == null) {
                    out.printf(Locale.ROOT, "%-28s  no answer%n", s.url());
                } else {
                    out.printf(Locale.ROOT, format, s.url(), Sizes.human(s.values()[0]), Sizes.human(s.values()[1]),
                            Sizes.human(s.values()[2]), s.values()[3]);
                }
            }
            out.printf(Locale.ROOT, format, "total (" + answers.stream().filter(s -> s.values() != null).count() + " nodes)",
                    Sizes.human(total[0]), Sizes.human(total[1]), Sizes.human(total[2]), total[3]);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private static long[] parse(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            long[] v = new long[FIELDS.length];
            for (int i = 0; i < FIELDS.length; i++) {
                if (!n.path(FIELDS[i]).canConvertToLong()) {
                    return null;
                }
                v[i] = n.path(FIELDS[i]).longValue();
            }
            return v;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
