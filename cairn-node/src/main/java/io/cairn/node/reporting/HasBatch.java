package io.cairn.node.reporting;

import io.cairn.core.Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code PUT /has} body in the making (SPEC §3.2 as cairn extends it):
 * {@code {"addresses":[added...],"removed":[deleted or quarantined...],"expired":[...],"complete":true?}}.
 * Holds at most {@link #MAX} addresses in all.
 */
final class HasBatch {
    static final int MAX = 10_000;

    enum Kind { ADDED, REMOVED, EXPIRED }

    record Delta(Address address, Kind kind) {}

    final List<Address> added = new ArrayList<>();
    final List<Address> removed = new ArrayList<>();
    final List<Address> expired = new ArrayList<>();
    boolean complete;

    int size() {
        return added.size() + removed.size() + expired.size();
    }

    boolean full() {
        return size() >= MAX;
    }

    void add(Delta d) {
        (switch (d.kind()) {
            case ADDED -> added;
            case REMOVED -> removed;
            case EXPIRED -> expired;
        }).add(d.address());
    }

    byte[] toJson() {
        StringBuilder sb = new StringBuilder(32 + size() * 67);
        sb.append("{\"addresses\":");
        list(sb, added);
        if (!removed.isEmpty()) {
            sb.append(",\"removed\":");
            list(sb, removed);
        }
        if (!expired.isEmpty()) {
            sb.append(",\"expired\":");
            list(sb, expired);
        }
        if (complete) {
            sb.append(",\"complete\":true");
        }
        return sb.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void list(StringBuilder sb, List<Address> addresses) {
        sb.append('[');
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(addresses.get(i).hex()).append('"');
        }
        sb.append(']');
    }
}
