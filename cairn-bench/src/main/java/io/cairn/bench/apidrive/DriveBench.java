package io.cairn.bench.apidrive;

import io.cairn.client.CairnClient;
import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.JettyTransport;
import io.cairn.client.ProgressListener;
import io.cairn.client.apidrive.SeedDownloader;
import io.cairn.client.apidrive.SeedManifests;
import io.cairn.core.Address;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.core.apidrive.SeedManifest;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeConfig;
import io.cairn.node.apidrive.DriveSettings;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The API Drive figures of docs/BENCHMARKS.md (issue #5), on loopback, in one JVM: a 3-node
 * cluster in temp directories (open, no rate limits: the bench measures the data path, not the
 * limiter), then
 * <ol>
 *   <li><b>store</b>: {@code STORES} random 64 KiB chunks through node 0 as coordinator, {@code
 *       CONCURRENCY} requests in flight; every chunk written to its 3 replicas, answered at 2;</li>
 *   <li><b>retrieve</b>: {@code RETRIEVES} retrieves of those chunks spread over the 3 nodes
 *       (all warm: every node holds every chunk);</li>
 *   <li><b>seed download</b>: a {@code FILE_MIB} MiB file put with the client, its seed manifest
 *       written, and the file downloaded from the manifest alone with {@link SeedDownloader}
 *       (256 chunks in flight, 64 connections per server), verified, to a file.</li>
 * </ol>
 * Bounded: counts are arguments, each phase also stops after {@link #PHASE_LIMIT}.
 *
 * <p>Usage: {@code DriveBench [STORES=20000] [RETRIEVES=50000] [FILE_MIB=256] [CONCURRENCY=128] [SEED=5]
 * [STORE_CHUNK_BYTES=65536] [DATA_ROOT=$TMPDIR]}; DATA_ROOT decides which disk the nodes write to.
 */
public final class DriveBench {
    static final Duration PHASE_LIMIT = Duration.ofSeconds(60);
    static final int CHUNK = 64 * 1024;

    private DriveBench() {}

    public static void main(String[] args) throws Exception {
        int stores = arg(args, 0, 20_000);
        int retrieves = arg(args, 1, 50_000);
        int fileMib = arg(args, 2, 256);
        int concurrency = arg(args, 3, 128);
        long seed = arg(args, 4, 5);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int storeChunk = arg(args, 5, CHUNK);
        Path root = args.length > 6 ? Files.createTempDirectory(Path.of(args[6]), "cairn-drive-bench")
                : Files.createTempDirectory("cairn-drive-bench");
        List<CairnNode> nodes = new ArrayList<>();
        try {
            DriveSettings drive = DriveSettings.DEFAULTS.withLimits(0, 0, Duration.ofMinutes(1));
            for (int i = 0; i < 3; i++) {
                List<URI> join = i == 0 ? List.of() : List.of(nodes.getFirst().url());
                nodes.add(CairnNode.start(NodeConfig.storage(0, root.resolve("node-" + i), join, null)
                        .withGossip(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5)).withDrive(drive)));
            }
            awaitAlive(nodes);
            System.out.printf("cluster: 3 nodes %s, %d cores, %s%n", nodes.stream().map(CairnNode::url).toList(),
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            try (JettyTransport transport = JettyTransport.builder().maxInFlightPerNode(concurrency)
                    .maxQueuedPerNode(65_536).build()) {
                System.out.println("data in " + root);
                List<Address> ids = store(transport, nodes.getFirst().url(), stores, concurrency, seed, storeChunk);
                retrieve(transport, nodes, ids, retrieves, concurrency, seed);
            }
            seedDownload(nodes, root, fileMib, seed);
        } finally {
            for (CairnNode n : nodes.reversed()) {
                n.close();
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<Address> store(JettyTransport transport, URI coordinator, int count, int concurrency, long seed,
                                       int chunk) throws Exception {
        DriveCodec codec = new DriveCodec();
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> bodies = new ArrayList<>(count);
        List<Address> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[chunk];
            random.nextBytes(data);
            bodies.add(codec.encodeStoreRequest(data));
            ids.add(Address.of(data));
        }
        URI url = coordinator.resolve("/api/drive/store");
        Phase phase = run(count, concurrency, i -> transport.exchange(new HttpCall("POST", url,
                Map.of("Content-Type", "application/bson"), ByteBuffer.wrap(bodies.get(i)), Duration.ofSeconds(30), false)));
        phase.print("store (" + chunk + " B, 1 coordinator, 3 replicas, quorum 2)", chunk);
        return ids.subList(0, phase.done);
    }

    private static void retrieve(JettyTransport transport, List<CairnNode> nodes, List<Address> ids, int count,
                                 int concurrency, long seed) throws Exception {
        DriveCodec codec = new DriveCodec();
        SplittableRandom random = new SplittableRandom(seed + 1);
        int[] pick = new int[count];
        for (int i = 0; i < count; i++) {
            pick[i] = random.nextInt(ids.size());
        }
        Phase phase = run(count, concurrency, i -> transport.exchange(new HttpCall("POST",
                nodes.get(i % nodes.size()).url().resolve("/api/drive/retrieve"), Map.of("Content-Type", "application/bson"),
                ByteBuffer.wrap(codec.encodeRetrieveRequest(ids.get(pick[i]))), Duration.ofSeconds(30), false)));
        phase.print("retrieve (stored chunks, warm, spread over 3 nodes)", ids.isEmpty() ? 0 : CHUNK);
    }

    private static void seedDownload(List<CairnNode> nodes, Path root, int fileMib, long seed) throws Exception {
        long size = (long) fileMib << 20;
        Path source = root.resolve("source.bin");
        SplittableRandom random = new SplittableRandom(seed + 2);
        try (OutputStream out = Files.newOutputStream(source)) {
            byte[] buf = new byte[1 << 20];
            for (long written = 0; written < size; written += buf.length) {
                random.nextBytes(buf);
                out.write(buf);
            }
        }
        try (CairnClient client = CairnClient.connect(nodes.getFirst().url(), null);
             JettyTransport transport = JettyTransport.builder().maxInFlightPerNode(64).maxQueuedPerNode(8192).build()) {
            long t0 = System.nanoTime();
            Address file = client.put(source);
            double putSeconds = (System.nanoTime() - t0) / 1e9;
            SeedManifest manifest = SeedManifests.of(client, file, "source.bin");
            System.out.printf("seed download: put %d MiB in %.1f s (%.0f MB/s, cairn put), %d chunks in the manifest%n",
                    fileMib, putSeconds, size / 1e6 / putSeconds, manifest.chunks().size());
            Path target = root.resolve("copy.bin");
            SeedDownloader downloader = new SeedDownloader(transport, SeedDownloader.DEFAULT_MAX_CHUNKS_IN_FLIGHT,
                    SeedDownloader.DEFAULT_CALL_TIMEOUT, null, new SplittableRandom(seed + 3));
            for (int run = 1; run <= 3; run++) {
                Files.deleteIfExists(target);
                long start = System.nanoTime();
                SeedDownloader.Result r = downloader.download(manifest, target, ProgressListener.NONE);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("seed download run %d to a file (fsync'd): %d MiB, %d chunks in %.2f s = %.0f MB/s"
                        + " (%d failovers)%n", run,
                        r.bytes() >> 20, r.chunks(), seconds, r.bytes() / 1e6 / seconds, r.failovers());
            }
            for (int run = 1; run <= 2; run++) {
                long start = System.nanoTime();
                SeedDownloader.Result r = downloader.download(manifest, OutputStream.nullOutputStream(), ProgressListener.NONE);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("seed download run %d to a null stream (network and verification only): %d MiB in"
                        + " %.2f s = %.0f MB/s%n", run, r.bytes() >> 20, seconds, r.bytes() / 1e6 / seconds);
            }
            if (Files.mismatch(source, target) != -1) {
                throw new IllegalStateException("downloaded file differs from the source");
            }
            System.out.println("seed download: copy identical to the source");
        }
    }

    /** Runs {@code count} calls, {@code concurrency} at a time, for at most PHASE_LIMIT. */
    private static Phase run(int count, int concurrency, java.util.function.IntFunction<CompletableFuture<HttpReply>> call)
            throws InterruptedException {
        Semaphore window = new Semaphore(concurrency);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        long start = System.nanoTime();
        int issued = 0;
        for (; issued < count && System.nanoTime() < deadline; issued++) {
            window.acquire();
            call.apply(issued).whenComplete((reply, error) -> {
                if (error == null && reply.status() == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        window.acquire(concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Phase(issued, ok.get(), failed.get(), seconds);
    }

    private record Phase(int done, int ok, int failed, double seconds) {
        void print(String what, int bytes) {
            System.out.printf("%s: %d ok, %d failed in %.2f s = %.0f per second (%.0f MB/s)%n", what, ok, failed, seconds,
                    ok / seconds, ok * (double) bytes / 1e6 / seconds);
        }
    }

    private static void awaitAlive(List<CairnNode> nodes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (nodes.stream().allMatch(n -> n.nodes().stream().filter(x -> x.alive()).count() == nodes.size())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("membership did not converge in 30 s");
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

}
