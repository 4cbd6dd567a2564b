package io.cairn.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;

/** Finds runs of consecutive free TCP ports on 127.0.0.1, for tests that start `cairn up`. */
public final class FreePorts {
    private FreePorts() {}

    /** A base port p such that p..p+count-1 are free now; tries a bounded number of bases. */
    public static int consecutive(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] range = listenRange();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = range[0] + random.nextInt(range[1] - range[0] - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no run of " + count + " free ports found (seed " + seed + ")");
    }

    /**
     * Where to look: outside the kernel's ephemeral range, from which every outgoing connection
     * takes its local port. A port free when checked but inside that range can be taken by a
     * connection of this machine before `cairn up` binds it; 20,000-50,000 overlapped it, and a
     * launcher test's node once failed to start that way (or so its symptoms said: docs/DECISIONS.md 109).
     */
    static int[] listenRange() {
        int low = 32_768;
        int high = 60_999;
        try {
            String[] r = procFile("/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+");
            low = Integer.parseInt(r[0]);
            high = Integer.parseInt(r[1]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the Linux defaults
        }
        if (low - 10_000 >= 5_000) {
            return new int[] {10_000, low};
        }
        return high < 60_000 ? new int[] {high + 1, 65_000} : new int[] {10_000, 30_000};
    }

    /** A /proc file read to its end (Files.readString trusts the size of 0 that /proc reports and read "3"). */
    static String procFile(String path) throws IOException {
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(path))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket socket = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
