package io.cairn.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Which nodes hold a block: the N whose IDs are closest to the block's address by XOR distance
 * (Kademlia; SPEC §1, §2).
 *
 * <p>Why XOR: it is a metric in which, for a given address, every node has a distinct distance, so
 * the order is total and every client that knows the same node set computes the same replicas
 * without asking anyone. Comparing {@code a XOR x} with {@code b XOR x} as unsigned big-endian
 * integers only needs the first byte where {@code a} and {@code b} differ, so no 256-bit value is
 * ever materialised.
 *
 * <p>Cost: O(M log N) for M candidates with a bounded max-heap of size N. Pure; no I/O.
 */
public final class Placement {
    private Placement() {}

    /** Negative when {@code a} is closer to {@code target} than {@code b}, 0 when equal. */
    public static int compareDistance(byte[] target, byte[] a, byte[] b) {
        for (int i = 0; i < target.length; i++) {
            int da = (a[i] ^ target[i]) & 0xff;
            int db = (b[i] ^ target[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** The XOR distance of two 32-byte values, as 32 big-endian bytes. */
    public static byte[] distance(Address address, NodeId node) {
        byte[] a = address.raw();
        byte[] n = node.raw();
        byte[] d = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = (byte) (a[i] ^ n[i]);
        }
        return d;
    }

    public static Comparator<NodeId> byDistanceTo(Address address) {
        byte[] target = address.raw();
        return (x, y) -> compareDistance(target, x.raw(), y.raw());
    }

    /** The up-to-n node IDs closest to the address, closest first. */
    public static List<NodeId> closest(Address address, Collection<NodeId> nodes, int n) {
        return closest(address, nodes, n, Function.identity());
    }

    /**
     * The up-to-n candidates whose IDs are closest to the address, closest first. Candidates
     * with equal IDs are not expected (the cluster refuses duplicate IDs); if they occur, both
     * may be chosen.
     */
    public static <T> List<T> closest(Address address, Collection<T> candidates, int n,
                                      Function<T, NodeId> idOf) {
        if (n <= 0 || candidates.isEmpty()) {
            return List.of();
        }
        byte[] target = address.raw();
        Comparator<T> closerFirst = (x, y) -> compareDistance(target, idOf.apply(x).raw(), idOf.apply(y).raw());
        PriorityQueue<T> farthestOnTop = new PriorityQueue<>(n + 1, closerFirst.reversed());
        for (T candidate : candidates) {
            farthestOnTop.add(candidate);
            if (farthestOnTop.size() > n) {
                farthestOnTop.poll();
            }
        }
        List<T> result = new ArrayList<>(farthestOnTop);
        result.sort(closerFirst);
        return result;
    }
}
