package io.cairn.bench.distribute;

import io.cairn.client.CairnClient;
import io.cairn.client.ProgressListener;
import io.cairn.core.NodeInfo;
import io.cairn.node.CairnNode;
import io.cairn.node.DistributeConfig;
import io.cairn.node.NodeConfig;
import io.cairn.node.distribute.StatusRoute;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Repair rate after a node dies (issue #3 bars: at least 30% of the disk's sequential write rate,
 * measured in the same run; a repair rate limit holds within 10%).
 *
 * <ol>
 *   <li>Sequential write rate of the disk under {@code dir}: {@code 1 GiB} in 8 MiB writes, then
 *       fsync.</li>
 *   <li>Run A, unlimited: 5 in-process nodes (node 0 distribute), {@code uniqueBytes} of random
 *       data stored (3 replicas), the storage node holding the most is stopped; the repair rate is
 *       the bytes copied divided by the time from the first to the last copy, read from
 *       {@code /distribute/status} every 100 ms.</li>
 *   <li>Run B, the same with {@code --repair-rate limitBytes}.</li>
 * </ol>
 * All nodes share one JVM and one disk, as in {@code cairn up}.
 * Usage: {@code java -cp cairn-benchmarks.jar io.cairn.bench.distribute.RepairBench DIR [uniqueBytes] [limitBytesPerSecond]}
 */
public final class RepairBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long unique = args.length > 1 ? Long.parseLong(args[1]) : 3_600L << 20;
        long limit = args.length > 2 ? Long.parseLong(args[2]) : 32L << 20;
        Files.createDirectories(dir);
        double disk = sequentialWrite(dir.resolve("seq.bin"), 1L << 30);
        System.out.printf("disk sequential write: %.0f MiB/s%n", disk / (1 << 20));
        double a = run(dir.resolve("run-a"), unique, 0);
        System.out.printf("RESULT unlimited repair: %.0f MiB/s = %.0f%% of the disk's sequential write rate%n",
                a / (1 << 20), 100 * a / disk);
        double b = run(dir.resolve("run-b"), unique, limit);
        System.out.printf("RESULT limited to %.0f MiB/s: %.1f MiB/s = %.1f%% of the limit%n",
                limit / (double) (1 << 20), b / (1 << 20), 100 * b / limit);
    }

    static double sequentialWrite(Path file, long bytes) throws IOException {
        byte[] buf = new byte[8 << 20];
        new SplittableRandom(1).nextBytes(buf);
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < bytes; done += buf.length) {
                ch.write(java.nio.ByteBuffer.wrap(buf));
            }
            ch.force(true);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        Files.delete(file);
        return bytes / s;
    }

    static double run(Path root, long unique, long limit) throws Exception {
        DistributeConfig healing = DistributeConfig.DEFAULTS.withHealth(Duration.ofMillis(250), 3)
                .withRepairRateBytesPerSecond(limit).withScrubBytesPerSecond(0);
        List<CairnNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                NodeConfig c = NodeConfig.storage(0, root.resolve("node-" + i),
                        i == 0 ? List.of() : List.of(nodes.getFirst().url()), null).withDistribute(healing);
                if (i == 0) {
                    c = c.withRoles(Set.of(NodeInfo.ROLE_STORAGE, NodeInfo.ROLE_DISTRIBUTE));
                }
                nodes.add(CairnNode.start(c));
            }
            CairnNode service = nodes.getFirst();
            await(() -> service.nodes().stream().filter(NodeInfo::alive).count() == 5, 30);
            long t0 = System.nanoTime();
            try (CairnClient client = CairnClient.builder().node(service.url()).nodeListMaxAge(Duration.ZERO).build()) {
                // files of at most 512 MiB: a manifest must fit in one block
                for (long done = 0, part = 0; done < unique; done += 512L << 20, part++) {
                    long size = Math.min(512L << 20, unique - done);
                    client.put(random(size, 2026 + part), size, ProgressListener.NONE);
                }
            }
            System.out.printf("stored %d MiB (x3) in %.1f s%n", unique >> 20, (System.nanoTime() - t0) / 1e9);
            await(() -> settled(service.distribute().status()), 120);
            StatusRoute.Status before = service.distribute().status();
            StatusRoute.NodeStatus victim = before.nodes().stream()
                    .filter(n -> !n.id().equals(service.id().hex()))
                    .max(Comparator.comparingLong(StatusRoute.NodeStatus::holdings)).orElseThrow();
            int victimIndex = -1;
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).id().hex().equals(victim.id())) {
                    victimIndex = i;
                }
            }
            long victimBytes = bytesOf(root.resolve("node-" + victimIndex));
            System.out.printf("stopping node %d: %,d blocks, %d MiB on disk%n", victimIndex, victim.holdings(),
                    victimBytes >> 20);
            nodes.get(victimIndex).close();
            long stopped = System.nanoTime();
            long firstNanos = 0;
            long lastNanos = 0;
            long lastBytes = 0;
            long idleSince = 0;
            while (true) {
                Thread.sleep(100);
                StatusRoute.Status s = service.distribute().status();
                long now = System.nanoTime();
                if (s.copyBytes() > lastBytes) {
                    if (firstNanos == 0) {
                        firstNanos = now;
                    }
                    lastBytes = s.copyBytes();
                    lastNanos = now;
                    idleSince = 0;
                } else if (firstNanos != 0 && s.repairState().equals("idle") && s.underReplicated() == 0) {
                    if (idleSince == 0) {
                        idleSince = now;
                    } else if (now - idleSince > 2_000_000_000L) {
                        break;
                    }
                }
                if (now - stopped > 1_800_000_000_000L) {
                    throw new IllegalStateException("repair did not finish in 30 minutes");
                }
            }
            double seconds = (lastNanos - firstNanos) / 1e9;
            double rate = lastBytes / seconds;
            System.out.printf("repair %s: %d MiB copied in %.1f s (first copy %.1f s after the stop) = %.1f MiB/s%n",
                    limit == 0 ? "unlimited" : "limited to " + (limit >> 20) + " MiB/s", lastBytes >> 20, seconds,
                    (firstNanos - stopped) / 1e9, rate / (1 << 20));
            return rate;
        } finally {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
            deleteTree(root);
        }
    }

    static boolean settled(StatusRoute.Status s) {
        return s.nodes().size() == 5 && s.nodes().stream().allMatch(n -> n.inventory().equals("complete"))
                && s.repairState().equals("idle") && s.underReplicated() == 0;
    }

    static InputStream random(long size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i += 8) {
                    long v = r.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        b[off + i + j] = (byte) (v >>> (8 * j));
                    }
                }
                left -= n;
                return n;
            }
        };
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Check check, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    static long bytesOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
