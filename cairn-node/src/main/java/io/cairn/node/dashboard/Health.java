package io.cairn.node.dashboard;

import io.cairn.core.Json;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard's verdict in one word, with its reasons (issue #9: "healthy at a glance"):
 * <ul>
 *   <li><b>critical</b>: some block has no healthy copy (its data cannot be read now);</li>
 *   <li><b>degraded</b>: some block has fewer than N healthy copies, repair is running, or a node
 *       is suspect or dead;</li>
 *   <li><b>unknown</b>: otherwise, when replication cannot be judged (no distribute service
 *       answering, or no repair pass yet);</li>
 *   <li><b>healthy</b>: every node alive and every block at N healthy copies.</li>
 * </ul>
 * The same rule gives {@code cairn status} its exit code (0 / 1 / 2).
 */
final class Health {
    private Health() {}

    static ObjectNode judge(List<NodeInfo> view, JsonNode status, boolean reachable, int replication) {
        List<String> reasons = new ArrayList<>();
        int level = 0; // 0 healthy, 1 unknown, 2 degraded, 3 critical
        long suspect = view.stream().filter(n -> n.status() == NodeStatus.SUSPECT).count();
        long dead = view.stream().filter(n -> n.status() == NodeStatus.DEAD).count();
        if (dead > 0) {
            reasons.add(dead + (dead == 1 ? " node dead" : " nodes dead"));
            level = 2;
        }
        if (suspect > 0) {
            reasons.add(suspect + (suspect == 1 ? " node suspect" : " nodes suspect"));
            level = 2;
        }
        JsonNode copies = status == null ? null : status.get("healthyCopies");
        if (status == null) {
            reasons.add(reachable ? "no distribute service: replication is not tracked"
                    : "distribute service not reachable");
            level = Math.max(level, 1);
        } else {
            if (!reachable) {
                reasons.add("distribute service not reachable; figures are stale");
                level = Math.max(level, 1);
            }
            if (copies == null || copies.isNull() || copies.isEmpty()) {
                reasons.add("replication not measured yet (" + text(status, "blockedBecause", "first pass pending") + ")");
                level = Math.max(level, 1);
            } else {
                int n = copies.size() - 1;
                long none = copies.get(0).longValue();
                long some = 0;
                for (int i = 1; i < n; i++) {
                    some += copies.get(i).longValue();
                }
                long full = copies.get(n).longValue();
                if (none > 0) {
                    reasons.add(String.format(Locale.ROOT, "%,d blocks have no healthy copy", none));
                    level = 3;
                }
                if (some > 0) {
                    reasons.add(String.format(Locale.ROOT, "%,d blocks have fewer than %d healthy copies", some, n));
                    level = Math.max(level, 2);
                }
                if (none == 0 && some == 0) {
                    reasons.add(String.format(Locale.ROOT, "all %,d blocks have %d healthy copies", full, n));
                }
                // The histogram is the last repair pass's; blocks written since are not in it yet.
                long tracked = status.path("blocksTracked").asLong(0);
                if (tracked > none + some + full) {
                    reasons.add(String.format(Locale.ROOT, "%,d newer blocks not counted yet", tracked - none - some - full));
                }
            }
            if ("repairing".equals(text(status, "repairState", ""))) {
                reasons.add("repair running: " + status.get("repairQueue").longValue() + " queued");
                level = Math.max(level, 2);
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        String word = switch (level) {
            case 0 -> "healthy";
            case 1 -> "unknown";
            case 2 -> "degraded";
            default -> "critical";
        };
        out.put("level", word);
        long alive = view.stream().filter(NodeInfo::alive).count();
        out.put("summary", String.format(Locale.ROOT, "%d of %d nodes alive, N=%d", alive, view.size(), replication));
        var r = out.putArray("reasons");
        reasons.forEach(r::add);
        return out;
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? otherwise : v.asString();
    }
}
