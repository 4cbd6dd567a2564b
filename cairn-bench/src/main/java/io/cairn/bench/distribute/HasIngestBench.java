package io.cairn.bench.distribute;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.JettyTransport;
import io.cairn.core.Hex;
import io.cairn.core.NodeId;
import io.cairn.core.repair.HoldingsTable;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeConfig;
import io.cairn.node.distribute.HasReport;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code /has} ingestion rate (issue #3 bar: at least 500,000 addresses per second on one node).
 *
 * <ul>
 *   <li><b>in-process</b>: parse {@code /has} bodies of 10,000 random addresses with the node's
 *       streaming parser and insert every address into a {@link HoldingsTable}; one thread.</li>
 *   <li><b>http</b>: a real node playing only the distribute role on loopback; {@code streams}
 *       storage identities each register and send {@code PUT /has} bodies of 10,000 addresses
 *       back to back (one request in flight per identity, as a storage node's reporter does).</li>
 * </ul>
 * Usage: {@code java -cp cairn-benchmarks.jar io.cairn.bench.distribute.HasIngestBench [addresses=5000000] [streams=4]}
 */
public final class HasIngestBench {
    static final int BATCH = 10_000;

    public static void main(String[] args) throws Exception {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int batches = (int) (total / BATCH);
        System.out.printf("building %d bodies of %d addresses...%n", batches, BATCH);
        List<byte[]> bodies = new ArrayList<>(batches);
        SplittableRandom random = new SplittableRandom(2026);
        for (int b = 0; b < batches; b++) {
            bodies.add(body(random));
        }
        inProcess(bodies);
        inProcess(bodies);
        overHttp(bodies, streams);
        overHttp(bodies, streams);
    }

    static byte[] body(SplittableRandom random) {
        StringBuilder sb = new StringBuilder(16 + BATCH * 67).append("{\"addresses\":[");
        byte[] raw = new byte[32];
        for (int i = 0; i < BATCH; i++) {
            random.nextBytes(raw);
            sb.append(i == 0 ? "\"" : ",\"").append(Hex.encode(raw)).append('"');
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    static void inProcess(List<byte[]> bodies) {
        HoldingsTable table = new HoldingsTable();
        long t0 = System.nanoTime();
        long n = 0;
        for (byte[] body : bodies) {
            HasReport r = HasReport.parse(body, body.length, BATCH);
            byte[] raw = r.added();
            for (int i = 0; i < r.addedCount(); i++) {
                table.add(raw, i * 32, 0);
            }
            n += r.addedCount();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("in-process parse+insert: %,d addresses in %.2f s = %,.0f addresses/s (table %,d blocks)%n",
                n, s, n / s, table.blockCount());
    }

    static void overHttp(List<byte[]> bodies, int streams) throws Exception {
        Path dir = Files.createTempDirectory("cairn-has-bench");
        NodeConfig config = NodeConfig.storage(0, dir, List.of(), null).withRoles(Set.of("distribute"));
        try (CairnNode node = CairnNode.start(config); JettyTransport transport = new JettyTransport(null)) {
            URI url = node.url();
            List<NodeId> ids = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                NodeId id = NodeId.random(new SplittableRandom(s));
                ids.add(id);
                HttpReply r = transport.exchange(new HttpCall("PUT", url.resolve("/register/" + id.hex()),
                        Map.of("Content-Type", "application/json"),
                        ByteBuffer.wrap("{\"url\":\"http://127.0.0.1:1\"}".getBytes(StandardCharsets.US_ASCII)),
                        Duration.ofSeconds(10), true)).join();
                if (r.status() != 200) {
                    throw new IllegalStateException("register: " + r.status());
                }
            }
            AtomicLong next = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            long t0 = System.nanoTime();
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                NodeId id = ids.get(s);
                running.add(CompletableFuture.runAsync(() -> {
                    for (long b; (b = next.getAndIncrement()) < bodies.size(); ) {
                        HttpReply r = transport.exchange(new HttpCall("PUT", url.resolve("/has/" + id.hex()),
                                Map.of("Content-Type", "application/json"), ByteBuffer.wrap(bodies.get((int) b)),
                                Duration.ofSeconds(30), true)).join();
                        if (r.status() != 200) {
                            throw new IllegalStateException("has: " + r.status());
                        }
                        sent.addAndGet(BATCH);
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
            }
            CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).join();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("http PUT /has, %d streams: %,d addresses in %.2f s = %,.0f addresses/s (tracked %,d blocks)%n",
                    streams, sent.get(), s, sent.get() / s, node.distribute().status().blocksTracked());
        }
    }
}
