package io.cairn.client.bench;

import io.cairn.client.BlockClient;
import io.cairn.client.ClusterView;
import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Replicas;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import io.cairn.core.apidrive.DriveCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator behind {@code cairn bench}: {@code concurrency} workers doing
 * block PUTs (quorum writes through the client's XOR placement), verified GETs, or both, until
 * {@code count} operations were started or {@code duration} has passed, whichever comes first.
 *
 * <p>Block content is seeded: block {@code i} is a random 64 KiB (or {@code size}) pattern drawn
 * from the seed, with the kind, the seed and {@code i} written into its first 20 bytes, so every
 * operation of a PUT run writes a new block and a GET run's working set can be rebuilt from
 * {@code (seed, blocks)} alone (that is how the plain-HTTP mode reads the same blocks from another
 * server, e.g. nginx).
 *
 * <p>A PUT counts when its write quorum acknowledged it (the latency recorded), and its worker
 * moves on only when every copy attempt has settled, so the throughput includes all replicas.
 * A DRIVE_STORE counts when the coordinator answered 200 with the chunk's Id, which the worker
 * checks against the address it computes itself (so both write modes hash each block once here);
 * the coordinator answers at quorum, as the API has it, and writes the last copy on its own.
 * A GET counts when a copy matching the address arrived (the client hashes every block).
 * With {@code rate > 0} the load is open-loop: operation {@code i} is due at
 * {@code start + i / rate} and its latency is measured from when it was due, so a stall shows up
 * in the percentiles instead of silently lowering the offered load.
 *
 * <p>Workers are virtual threads, except in open-loop runs, where they are platform threads: a
 * worker waits for its operation's due time with a timed park, and a virtual thread's timed park
 * is a timer on the JDK's unparker thread and then a hand-off to a carrier, two scheduling hops
 * that showed up in every latency as the generator's own lateness (start lag p99 2.8-3.5 ms
 * against 1.1-1.7 ms with platform threads, in alternating runs at half the peak; docs/BENCHMARKS.md).
 */
public final class BenchRun {
    /**
     * PUT: {@code PUT /blocks} to the replicas (client-side placement, quorum). GET: verified block
     * reads. MIXED: both, alternating. DRIVE_STORE: {@code POST /api/drive/store} (BSON) to the
     * alive storage nodes in turn, each acting as coordinator (issue #5's bar compares it with PUT).
     */
    public enum Mode { PUT, GET, MIXED, DRIVE_STORE }

    /** What to run. {@code rate} 0 means closed loop (as fast as the workers go). */
    public record Config(Mode mode, int size, long count, int concurrency, Duration duration, double rate,
                         Duration warmup, long seed, int blocks, String leaseHeader, boolean plain) {
        public Config {
            Objects.requireNonNull(mode);
            if (size < 1 || size > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("size must be 1 B to 4 MiB");
            }
            if (count < 1) {
                throw new IllegalArgumentException("count must be positive");
            }
            if (concurrency < 1 || concurrency > 4096) {
                throw new IllegalArgumentException("concurrency must be 1..4096");
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            if (rate < 0 || Double.isNaN(rate)) {
                throw new IllegalArgumentException("rate must be 0 (unpaced) or positive");
            }
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("warmup must not be negative");
            }
            if (blocks < 1) {
                throw new IllegalArgumentException("blocks must be positive");
            }
            if (plain && mode != Mode.GET) {
                throw new IllegalArgumentException("plain HTTP mode only reads (get)");
            }
        }
    }

    /**
     * What a run measured. Latencies in microseconds. In an open-loop run the start lag is how late
     * the generator itself began operations (start minus due): it is part of every latency, so a
     * large lag says the percentiles measure this process as much as the cluster. 0 when closed loop.
     */
    public record Result(Mode mode, long ops, long errors, String firstError, double seconds, long bytes,
                         long p50Micros, long p90Micros, long p99Micros, long maxMicros, double meanMicros,
                         long startLagP50Micros, long startLagP99Micros, long startLagMaxMicros) {
        public double opsPerSecond() {
            return seconds <= 0 ? 0 : ops / seconds;
        }

        /** Decimal megabytes (10^6 B) per second of payload, as disk and network tools print. */
        public double megabytesPerSecond() {
            return seconds <= 0 ? 0 : bytes / seconds / 1e6;
        }
    }

    private static final int KIND_PUT = 0x50555421;  // "PUT!"
    private static final int KIND_GET = 0x47455421;  // "GET!"
    private static final int KIND_DRIVE = 0x44525621; // "DRV!": never the same bytes as a PUT run's
    private static final String DRIVE_STORE_PATH = "/api/drive/store";

    private final Config config;
    private final Transport transport;
    private final ClusterView view;
    private final BlockClient blocks;
    private final URI plainBase;
    private final byte[] pattern;
    private final DriveCodec driveCodec;
    private List<Address> working = List.of();

    /**
     * @param view      the cluster (null in plain mode)
     * @param blocks    the block client (null in plain mode)
     * @param plainBase the HTTP server to GET {@code /blocks/<address>} from in plain mode, else null
     */
    public BenchRun(Config config, Transport transport, ClusterView view, BlockClient blocks, URI plainBase) {
        this.config = config;
        this.transport = transport;
        this.view = view;
        this.blocks = blocks;
        this.plainBase = plainBase;
        this.pattern = new byte[config.size()];
        new SplittableRandom(config.seed()).nextBytes(pattern);
        this.driveCodec = new DriveCodec(Math.max(config.size(), 1));
        if (config.plain() != (plainBase != null)) {
            throw new IllegalArgumentException("plain mode needs a base URL, cluster mode a cluster");
        }
    }

    /** Block {@code i} of the given kind, into {@code into} (which has the configured size). */
    void fill(byte[] into, int kind, long i) {
        System.arraycopy(pattern, 0, into, 0, pattern.length);
        ByteBuffer b = ByteBuffer.wrap(into);
        if (into.length >= 20) {
            b.putInt(0, kind).putLong(4, config.seed()).putLong(12, i);
        } else {
            // tiny blocks: as many bytes of the index as fit, so they still differ
            for (int k = 0; k < into.length; k++) {
                into[k] = (byte) (i >>> (8 * (k % 8)));
            }
        }
    }

    /** Whether the run reads blocks (GET, MIXED), so that it has a working set to prepare. */
    public boolean reads() {
        return config.mode() == Mode.GET || config.mode() == Mode.MIXED;
    }

    /** The addresses of the GET working set, computed (no I/O). */
    public List<Address> workingSet() {
        if (working.isEmpty()) {
            byte[] buf = new byte[config.size()];
            List<Address> list = new ArrayList<>(config.blocks());
            for (int j = 0; j < config.blocks(); j++) {
                fill(buf, KIND_GET, j);
                list.add(Address.of(buf));
            }
            working = List.copyOf(list);
        }
        return working;
    }

    /**
     * Writes the GET working set to the cluster (idempotent; untimed) with the run's concurrency.
     * Optionally also writes each block as {@code exportDir/blocks/<address>} and the request
     * paths to {@code exportDir/paths.txt}, for an HTTP server and wrk to serve and replay.
     */
    public void prepare(Path exportDir, boolean write) throws IOException {
        List<Address> set = workingSet();
        if (exportDir != null) {
            Files.createDirectories(exportDir.resolve("blocks"));
        }
        if (write) {
            requireNodes();
        }
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < Math.min(config.concurrency(), set.size()); w++) {
            threads.add(Thread.ofVirtual().name("bench-prepare-" + w).start(() -> {
                byte[] buf = new byte[config.size()];
                for (long j; failed.get() == null && (j = next.getAndIncrement()) < set.size(); ) {
                    try {
                        fill(buf, KIND_GET, j);
                        Address a = set.get((int) j);
                        if (write) {
                            BlockClient.BlockWrite bw = blocks.put(a, ByteBuffer.wrap(buf), view.nodes(), config.leaseHeader());
                            bw.acknowledged().join();
                            bw.settled().join();
                        }
                        if (exportDir != null) {
                            Files.write(exportDir.resolve("blocks").resolve(a.hex()), buf);
                        }
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                }
            }));
        }
        join(threads);
        if (failed.get() != null) {
            throw asRuntime("preparing the blocks to read", failed.get());
        }
        if (exportDir != null) {
            Files.write(exportDir.resolve("paths.txt"), set.stream().map(a -> "/blocks/" + a.hex()).toList());
        }
    }

    /** Runs the warm-up (not recorded), then the measured run. */
    public Result run() {
        if (!config.plain()) {
            requireNodes();
        }
        if (reads()) {
            workingSet();
        }
        if (!config.warmup().isZero()) {
            phase(Long.MAX_VALUE, config.warmup(), 0, new LatencyHistogram(), Long.MAX_VALUE / 2);
        }
        return phase(config.count(), config.duration(), config.rate(), new LatencyHistogram(), 0);
    }

    private Result phase(long count, Duration duration, double rate, LatencyHistogram histogram, long indexBase) {
        LatencyHistogram lag = new LatencyHistogram();
        AtomicLong next = new AtomicLong();
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        double nanosPerOp = rate > 0 ? 1e9 / rate : 0;
        List<Thread> threads = new ArrayList<>();
        Thread.Builder workerThreads = rate > 0 ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
        for (int w = 0; w < config.concurrency(); w++) {
            threads.add(workerThreads.name("bench-" + w).start(() -> {
                byte[] buf = new byte[config.size()];
                while (true) {
                    long i = next.getAndIncrement();
                    if (i >= count) {
                        return;
                    }
                    long due = rate > 0 ? start + (long) (i * nanosPerOp) : System.nanoTime();
                    if (due >= deadline) {
                        return;
                    }
                    for (long now; (now = System.nanoTime()) < due; ) {
                        LockSupport.parkNanos(due - now);
                    }
                    long started = System.nanoTime();
                    if (started >= deadline) {
                        return;
                    }
                    if (rate > 0) {
                        lag.record((started - due) / 1000);
                    }
                    try {
                        int n = once(buf, indexBase + i, due, histogram);
                        ops.incrementAndGet();
                        bytes.addAndGet(n);
                    } catch (Throwable e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, message(e));
                    }
                }
            }));
        }
        join(threads);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(config.mode(), ops.get(), errors.get(), firstError.get(), seconds, bytes.get(),
                histogram.percentileMicros(50), histogram.percentileMicros(90), histogram.percentileMicros(99),
                histogram.maxMicros(), histogram.meanMicros(),
                lag.count() == 0 ? 0 : lag.percentileMicros(50), lag.count() == 0 ? 0 : lag.percentileMicros(99), lag.maxMicros());
    }

    /** One operation; returns the payload bytes moved. Records its latency from {@code due}. */
    private int once(byte[] buf, long i, long due, LatencyHistogram histogram) {
        if (config.mode() == Mode.DRIVE_STORE) {
            return driveStore(buf, i, due, histogram);
        }
        boolean put = config.mode() == Mode.PUT || (config.mode() == Mode.MIXED && (i & 1) == 1);
        if (put) {
            fill(buf, KIND_PUT, i);
            Address a = Address.of(buf);
            BlockClient.BlockWrite write = blocks.put(a, ByteBuffer.wrap(buf), nodes(), config.leaseHeader());
            try {
                write.acknowledged().join();
                histogram.record((System.nanoTime() - due) / 1000);
            } finally {
                // the buffer is reused: every copy attempt must be over before it is overwritten
                write.settled().exceptionally(e -> null).join();
            }
            return buf.length;
        }
        List<Address> set = working;
        Address a = set.get((int) Math.floorMod(i, (long) set.size()));
        byte[] body;
        if (config.plain()) {
            HttpReply reply = transport.exchange(new HttpCall("GET", plainBase.resolve("/blocks/" + a.hex()),
                    Map.of(), null, HttpCall.DEFAULT_TIMEOUT, false)).join();
            if (reply.status() != 200) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "GET " + a.hex() + " answered " + reply.status());
            }
            body = reply.body();
            if (!a.matches(body, 0, body.length)) {
                throw new CairnException(ErrorCode.HASH_MISMATCH, "GET " + a.hex() + ": bytes do not match");
            }
        } else {
            body = blocks.getFromCluster(a, nodes()).join();
        }
        histogram.record((System.nanoTime() - due) / 1000);
        return body.length;
    }

    /** One API Drive store through the i-th alive storage node (round robin over coordinators). */
    private int driveStore(byte[] buf, long i, long due, LatencyHistogram histogram) {
        fill(buf, KIND_DRIVE, i);
        List<NodeInfo> alive = Replicas.aliveStorage(nodes());
        if (alive.isEmpty()) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "no alive storage node in the cluster");
        }
        URI coordinator = alive.get((int) Math.floorMod(i, (long) alive.size())).url();
        // internal: the cluster key exempts the load generator from the per-IP store limit,
        // as it exempts PUT mode's block calls from the PUT limit
        HttpReply reply = transport.exchange(new HttpCall("POST", coordinator.resolve(DRIVE_STORE_PATH),
                Map.of("Content-Type", "application/bson"), ByteBuffer.wrap(driveCodec.encodeStoreRequest(buf)),
                HttpCall.DEFAULT_TIMEOUT, true)).join();
        if (reply.status() != 200) {
            throw new CairnException(ErrorCode.ofStatus(reply.status()), "POST " + coordinator + DRIVE_STORE_PATH
                    + " answered " + reply.status());
        }
        Address id = driveCodec.decodeStoreResponse(reply.body());
        if (!id.equals(Address.of(buf))) {
            throw new CairnException(ErrorCode.HASH_MISMATCH, coordinator + " answered Id " + id.hex()
                    + " for a chunk with another address");
        }
        histogram.record((System.nanoTime() - due) / 1000);
        return buf.length;
    }

    private List<NodeInfo> nodes() {
        return view.refreshIfOlderThan(Duration.ofSeconds(5));
    }

    private void requireNodes() {
        List<NodeInfo> nodes = view.refresh();
        int alive = Replicas.aliveStorage(nodes).size();
        if (alive == 0) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "no alive storage node in the cluster");
        }
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CairnException(ErrorCode.INTERNAL, "interrupted");
            }
        }
    }

    static String message(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static RuntimeException asRuntime(String what, Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CairnException c) {
            return new CairnException(c.code(), what + ": " + c.getMessage(), c);
        }
        return new CairnException(ErrorCode.INTERNAL, what + ": " + message(t), t);
    }
}
