package io.cairn.cli.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks at the healed cluster for the {@link Checker}: waits (bounded) until the distribute
 * service sees every node alive with a complete inventory and nothing under-replicated, then
 * reads every acknowledged value from every node and takes every node's inventory and space.
 */
final class Observer {
    private static final Pattern HEX = Pattern.compile("\"([0-9a-f]{64})\"");
    private static final Pattern NEXT = Pattern.compile("\"next\"\\s*:\\s*\"([0-9a-f]{64})\"");

    private final NodeProcesses nodes;
    private final Http http;
    private final java.net.http.HttpClient headClient = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build(); // HEAD answers' Content-Length

    Observer(NodeProcesses nodes, Http http) {
        this.nodes = nodes;
        this.http = http;
    }

    /** Null once healed (two calm readings in a row), else the last reason it is not, after {@code boundMs}. */
    String awaitHealed(long boundMs) throws InterruptedException {
        long deadline = System.nanoTime() + boundMs * 1_000_000;
        String why = "not checked";
        int calm = 0;
        while (System.nanoTime() < deadline) {
            why = notHealed();
            calm = why == null ? calm + 1 : 0;
            if (calm >= 2) {
                return null;
            }
            Thread.sleep(2_000);
        }
        return why + " (after " + boundMs / 1000 + " s)";
    }

    private String notHealed() {
        for (int i = 0; i < nodes.size(); i++) {
            if (!http.get(nodes.url(i).resolve("/health")).ok()) {
                return "node " + i + " not healthy";
            }
        }
        Http.Reply r = http.get(nodes.url(0).resolve("/distribute/status"));
        if (!r.ok()) {
            return "distribute status " + r.status();
        }
        String s = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        int alive = count(s, "\"state\":\"alive\""), complete = count(s, "\"inventory\":\"complete\"");
        if (alive < nodes.size() || complete < nodes.size()) {
            return alive + " nodes alive and " + complete + " inventories complete at the distribute service";
        }
        for (String field : List.of("underReplicated", "unavailable", "repairQueue", "repairsInFlight")) {
            long v = number(s, field);
            if (v != 0) {
                return field + " = " + v;
            }
        }
        return null;
    }

    Observations observe(History history, String healed) {
        Map<String, List<String>> reads = new LinkedHashMap<>();
        for (History.Op op : history.ops()) {
            if (op.outcome() == History.Outcome.OK && op.type() == History.Type.FILE_PUT) {
                reads.computeIfAbsent(Observations.readKey("file", op.key()), k -> readAll(i -> http.get(nodes.url(i).resolve("/files/" + op.key())), false));
            } else if (op.outcome() == History.Outcome.OK && op.type() == History.Type.DRIVE_STORE) {
                reads.computeIfAbsent(Observations.readKey("drive", op.key()), k -> readAll(i -> http.send("POST",
                        nodes.url(i).resolve("/api/drive/retrieve"), Workload.bsonId(op.key()), "application/bson", false), true));
            } else if (op.type() == History.Type.NAME_PUT || op.type() == History.Type.NAME_DELETE) {
                reads.computeIfAbsent(Observations.readKey("name", op.key()),
                        k -> readAll(i -> http.get(nodes.url(i).resolve("/names/" + op.key())), false));
            }
        }
        Map<String, Integer> holders = new HashMap<>();
        List<Observations.Space> space = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            space.add(space(i, holders));
        }
        return new Observations(healed, reads, holders, space, Math.min(3, nodes.size()));
    }

    private List<String> readAll(java.util.function.IntFunction<Http.Reply> read, boolean bson) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Http.Reply r = read.apply(i);
            out.add(r.status() == 404 ? Observations.ABSENT : !r.ok() ? "error " + (r.status() == -1 ? r.error() : r.status())
                    : Workload.sha(bson ? Workload.bsonData(r.body()) : r.body()));
        }
        return out;
    }

    /** The node's space three ways; the inventory is walked twice around /space until both agree (≤ 3 tries). */
    private Observations.Space space(int node, Map<String, Integer> holders) {
        String error = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            long used = number(text(http.get(nodes.url(node).resolve("/space"))), "usedBytes");
            List<String> inventory = inventory(node);
            if (inventory == null) {
                error = "inventory unreadable";
                continue;
            }
            long sum = 0;
            for (String a : inventory) {
                sum += contentLength(node, a);
            }
            long usedAfter = number(text(http.get(nodes.url(node).resolve("/space"))), "usedBytes");
            if (used == usedAfter && used >= 0) {
                for (String a : inventory) {
                    holders.merge(a, 1, Integer::sum);
                }
                return new Observations.Space(node, used, sum, segmentBytes(node), null);
            }
            error = "usedBytes moved while reading (" + used + " → " + usedAfter + ")";
        }
        return new Observations.Space(node, -1, -1, -1, error);
    }

    private long contentLength(int node, String address) {
        try {
            var r = headClient.send(java.net.http.HttpRequest.newBuilder(nodes.url(node).resolve("/blocks/" + address))
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .timeout(java.time.Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return r.headers().firstValueAsLong("Content-Length").orElse(0);
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private List<String> inventory(int node) {
        List<String> out = new ArrayList<>();
        String after = "";
        for (int page = 0; page < 1_000; page++) { // bound: 10 M blocks
            Http.Reply r = http.getInternal(nodes.url(node).resolve("/internal/inventory?limit=10000" + (after.isEmpty() ? "" : "&after=" + after)));
            if (!r.ok()) {
                return null;
            }
            String s = text(r);
            int cut = s.indexOf("\"next\"");
            Matcher m = HEX.matcher(cut < 0 ? s : s.substring(0, cut));
            while (m.find()) {
                out.add(m.group(1));
            }
            Matcher next = NEXT.matcher(s);
            if (!next.find()) {
                return out;
            }
            after = next.group(1);
        }
        return out;
    }

    private long segmentBytes(int node) {
        try (Stream<Path> files = Files.walk(nodes.dataDir(node).resolve("blocks"))) {
            return files.filter(p -> p.toString().endsWith(".seg")).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String text(Http.Reply r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
