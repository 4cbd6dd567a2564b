package io.cairn.bench.distribute;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Clock;
import io.cairn.core.NodeId;
import io.cairn.node.DistributeConfig;
import io.cairn.node.distribute.DistributeService;
import io.cairn.node.distribute.HasReport;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Heap of the distribute service per tracked block-replica (issue #3 bar: at most 100 bytes,
 * measured at 5 million). A {@link DistributeService} (not started: no health checks, no repair)
 * is fed through its {@code /has} path: 5 storage nodes, {@code replicas / 3} random blocks,
 * each reported by 3 of them. The heap in use after full GCs is compared before and after.
 *
 * <p>Usage: {@code java -Xmx2g -cp cairn-benchmarks.jar io.cairn.bench.distribute.HoldingsMemoryBench [replicas=5000000]}
 */
public final class HoldingsMemoryBench {
    public static void main(String[] args) {
        long replicas = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        int nodes = 5;
        long blocks = (replicas + 2) / 3;
        Transport none = new Transport() {
            @Override
            public CompletableFuture<HttpReply> exchange(HttpCall call) {
                return CompletableFuture.failedFuture(new IllegalStateException("no network in this benchmark"));
            }

            @Override
            public void close() {}
        };
        long before = usedAfterGc();
        DistributeService service = new DistributeService(NodeId.random(new SplittableRandom(1)), none, Clock.SYSTEM,
                DistributeConfig.DEFAULTS, 3, List::of, 7070);
        NodeId[] ids = new NodeId[nodes];
        for (int i = 0; i < nodes; i++) {
            ids[i] = NodeId.random(new SplittableRandom(100 + i));
            service.register(ids[i], URI.create("http://127.0.0.1:" + (7071 + i)));
        }
        SplittableRandom random = new SplittableRandom(2026);
        int batch = 10_000;
        byte[][] raw = new byte[nodes][batch * 32];
        int[] count = new int[nodes];
        byte[] address = new byte[32];
        long fed = 0;
        for (long b = 0; b < blocks; b++) {
            random.nextBytes(address);
            int skip1 = random.nextInt(nodes);
            int skip2 = (skip1 + 1 + random.nextInt(nodes - 1)) % nodes;
            for (int n = 0; n < nodes; n++) {
                if (n == skip1 || n == skip2) {
                    continue;
                }
                System.arraycopy(address, 0, raw[n], count[n] * 32, 32);
                if (++count[n] == batch) {
                    service.has(ids[n], new HasReport(raw[n], count[n], new byte[0], 0, new byte[0], 0, false));
                    fed += count[n];
                    count[n] = 0;
                }
            }
        }
        for (int n = 0; n < nodes; n++) {
            service.has(ids[n], new HasReport(raw[n], count[n], new byte[0], 0, new byte[0], 0, true));
            fed += count[n];
        }
        raw = null;
        long after = usedAfterGc();
        var status = service.status();
        long tracked = status.replicasTracked();
        System.out.printf("blocks %,d, block-replicas %,d (fed %,d): heap %,d bytes = %.1f bytes per block-replica%n",
                status.blocksTracked(), tracked, fed, after - before, (after - before) / (double) tracked);
        service.close();
    }

    static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
