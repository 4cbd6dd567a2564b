package io.cairn.client.apidrive;

import io.cairn.client.HttpCall;
import io.cairn.client.ProgressListener;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.Manifest;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.core.apidrive.SeedManifest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Downloads a file from a seed manifest (SPEC §3.3; issue #5) with no other knowledge of the
 * cluster: each chunk is asked of its URLs ({@code POST <url>} with BSON {@code {"Id"}}), verified
 * against its Id, and the file is assembled by Order. Who calls it: {@code cairn get
 * --apidrive-manifest}, benchmarks and tests.
 *
 * <p>How:
 * <ul>
 *   <li><b>Parallel, bounded.</b> Up to {@code maxChunksInFlight} chunks are fetched at once (the
 *       window); the transport bounds connections per server. The window slides in Order: a chunk
 *       is written as soon as every chunk before it is, so memory holds at most the window
 *       ({@code maxChunksInFlight × chunk size}) whatever the file's size.</li>
 *   <li><b>Which URL.</b> {@link UrlOrder}: a random one weighted by the servers' {@code GET /load}
 *       (polled at the start and every {@link #LOAD_POLL_INTERVAL} while it runs, when a server
 *       answers it) and by the failures seen; the others on failure.</li>
 *   <li><b>429.</b> The server is skipped until its Retry-After (capped at {@link #MAX_RETRY_AFTER});
 *       when every URL of a chunk said 429 the chunk waits and tries again, at most
 *       {@link #MAX_BUSY_ROUNDS} times.</li>
 *   <li><b>Stale manifests.</b> When every URL of a chunk fails, the {@code fallback} (the cluster's
 *       node list and XOR placement, when the caller has a node to ask) is used; without one the
 *       download fails naming the chunk.</li>
 *   <li><b>Verified.</b> A reply whose Id is not the chunk's or whose Data does not hash to it is
 *       a failure of that URL. The seed's format carries no file hash, so "complete" means every
 *       Order present and every chunk verified.</li>
 * </ul>
 */
public final class SeedDownloader {
    public static final int DEFAULT_MAX_CHUNKS_IN_FLIGHT = 256;
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration LOAD_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration LOAD_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(5);
    public static final int MAX_BUSY_ROUNDS = 4;
    private static final Map<String, String> BSON_HEADERS = Map.of("Content-Type", "application/bson");

    /** What a download did. */
    public record Result(long bytes, int chunks, int failovers, int fromFallback) {}

    private final Transport transport;
    private final int maxChunksInFlight;
    private final Duration callTimeout;
    private final Function<Address, byte[]> fallback;
    private final RandomGenerator random;
    private final DriveCodec codec = new DriveCodec(Manifest.MAX_CHUNK_SIZE);
    private final Executor executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cairn-seed-", 0).factory());
    private final ConcurrentHashMap<String, Double> inflight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> backOffUntilNanos = new ConcurrentHashMap<>();

    /**
     * @param transport         carries the calls (not closed here); its per-node limit is the
     *                          per-server connection bound
     * @param maxChunksInFlight the window, 1..4096
     * @param fallback          reads a chunk by other means when all its URLs failed (verified by
     *                          it); null for none
     * @param random            URL choice; seeded in tests
     */
    public SeedDownloader(Transport transport, int maxChunksInFlight, Duration callTimeout,
                          Function<Address, byte[]> fallback, RandomGenerator random) {
        if (maxChunksInFlight < 1 || maxChunksInFlight > 4096) {
            throw new IllegalArgumentException("maxChunksInFlight must be 1..4096, got " + maxChunksInFlight);
        }
        this.transport = Objects.requireNonNull(transport);
        this.maxChunksInFlight = maxChunksInFlight;
        this.callTimeout = callTimeout;
        this.fallback = fallback;
        this.random = random;
    }

    /** Downloads to {@code target}: a temp file beside it, fsync'd, then moved into place. */
    public Result download(SeedManifest manifest, Path target, ProgressListener progress) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        try {
            Result result;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20)) {
                result = download(manifest, out, progress);
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return result;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Downloads to {@code out}, in Order. On failure some chunks may have been written. */
    public Result download(SeedManifest manifest, OutputStream out, ProgressListener progress) throws IOException {
        List<SeedManifest.Chunk> chunks = manifest.chunks();
        Set<String> servers = new LinkedHashSet<>();
        chunks.forEach(c -> c.urls().forEach(u -> servers.add(UrlOrder.server(u))));
        pollLoad(servers).join();
        var poller = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("cairn-seed-load").factory());
        poller.scheduleWithFixedDelay(() -> pollLoad(servers), LOAD_POLL_INTERVAL.toMillis(), LOAD_POLL_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        List<CompletableFuture<byte[]>> slots = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            slots.add(new CompletableFuture<>());
        }
        Semaphore window = new Semaphore(maxChunksInFlight);
        Counters counters = new Counters();
        Thread launcher = Thread.ofVirtual().name("cairn-seed-launcher").start(() -> {
            for (int i = 0; i < chunks.size(); i++) {
                try {
                    window.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                CompletableFuture<byte[]> slot = slots.get(i);
                fetch(chunks.get(i), counters).whenComplete((data, error) -> {
                    if (error != null) {
                        slot.completeExceptionally(error);
                    } else {
                        slot.complete(data);
                    }
                });
            }
        });
        long bytes = 0;
        try {
            for (CompletableFuture<byte[]> slot : slots) {
                byte[] data = slot.get();
                out.write(data);
                bytes += data.length;
                progress.progress(bytes, -1);
                window.release();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CairnException c ? c
                    : new CairnException(ErrorCode.UNAVAILABLE, "download failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.UNAVAILABLE, "interrupted");
        } finally {
            launcher.interrupt();
            poller.shutdownNow();
        }
        return new Result(bytes, chunks.size(), counters.failovers.get(), counters.fromFallback.get());
    }

    private static final class Counters {
        final AtomicInteger failovers = new AtomicInteger();
        final AtomicInteger fromFallback = new AtomicInteger();
    }

    private CompletableFuture<byte[]> fetch(SeedManifest.Chunk chunk, Counters counters) {
        return attempt(chunk, order(chunk.urls()), 0, 0, new ArrayList<>(), counters);
    }

    private List<URI> order(List<URI> urls) {
        Map<String, UrlOrder.Health> health = new HashMap<>();
        long now = System.nanoTime();
        for (URI u : urls) {
            String s = UrlOrder.server(u);
            Long until = backOffUntilNanos.get(s);
            health.put(s, new UrlOrder.Health(inflight.getOrDefault(s, -1.0), failures.getOrDefault(s, 0),
                    until != null && until - now > 0));
        }
        synchronized (random) {
            return UrlOrder.order(urls, health, random);
        }
    }

    private CompletableFuture<byte[]> attempt(SeedManifest.Chunk chunk, List<URI> order, int i, int busyRound,
                                              List<String> reasons, Counters counters) {
        if (i >= order.size()) {
            long waitMs = busyWaitMillis(order);
            if (waitMs >= 0 && busyRound < MAX_BUSY_ROUNDS) {
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS, executor))
                        .thenCompose(x -> attempt(chunk, order(chunk.urls()), 0, busyRound + 1, reasons, counters));
            }
            if (fallback != null) {
                return CompletableFuture.supplyAsync(() -> {
                    byte[] data = fallback.apply(chunk.id());
                    if (!chunk.id().matches(data, 0, data.length)) {
                        throw new CairnException(ErrorCode.HASH_MISMATCH, "fallback read of chunk " + chunk.id() + " did not match");
                    }
                    counters.fromFallback.incrementAndGet();
                    return data;
                }, executor);
            }
            return CompletableFuture.failedFuture(new CairnException(ErrorCode.UNAVAILABLE, "chunk Order " + chunk.order()
                    + " (" + chunk.id() + ") could not be fetched from any of its " + chunk.urls().size() + " URLs ("
                    + String.join("; ", reasons.subList(0, Math.min(3, reasons.size()))) + ")"));
        }
        URI url = order.get(i);
        String server = UrlOrder.server(url);
        HttpCall call = new HttpCall("POST", url, BSON_HEADERS, ByteBuffer.wrap(codec.encodeRetrieveRequest(chunk.id())),
                callTimeout, false);
        return transport.exchange(call).handle((reply, error) -> {
            String why;
            if (error != null) {
                why = String.valueOf(error.getMessage());
            } else if (reply.status() != 200) {
                why = "status " + reply.status();
            } else {
                try {
                    DriveCodec.Retrieved r = codec.decodeRetrieveResponse(reply.body());
                    if (r.id().equals(chunk.id())) {
                        byte[] data = r.verify();
                        failures.remove(server);
                        return data;
                    }
                    why = "answered with another Id " + r.id();
                } catch (CairnException e) {
                    why = e.getMessage();
                }
            }
            if (error == null && reply.status() == 429) {
                backOffUntilNanos.put(server, System.nanoTime() + retryAfterMillis(reply.header("retry-after")) * 1_000_000);
            } else {
                failures.merge(server, 1, Integer::sum);
            }
            synchronized (reasons) {
                if (reasons.size() < 8) {
                    reasons.add(url + ": " + why);
                }
            }
            counters.failovers.incrementAndGet();
            return null;
        }).thenCompose(data -> data != null ? CompletableFuture.completedFuture(data)
                : attempt(chunk, order, i + 1, busyRound, reasons, counters));
    }

    /** How long to wait before another round when some URL said 429; -1 when none did. */
    private long busyWaitMillis(List<URI> order) {
        long now = System.nanoTime();
        long soonest = Long.MAX_VALUE;
        for (URI u : order) {
            Long until = backOffUntilNanos.get(UrlOrder.server(u));
            if (until != null) {
                soonest = Math.min(soonest, Math.max(0, until - now));
            }
        }
        return soonest == Long.MAX_VALUE ? -1 : Math.min(soonest / 1_000_000, MAX_RETRY_AFTER.toMillis());
    }

    static long retryAfterMillis(String header) {
        try {
            return Math.min(Math.max(Long.parseLong(header.trim()), 0) * 1000, MAX_RETRY_AFTER.toMillis());
        } catch (RuntimeException e) {
            return 1000;
        }
    }

    /** Asks every server for its load; a server that does not answer keeps what was known. */
    private CompletableFuture<Void> pollLoad(Set<String> servers) {
        List<CompletableFuture<Void>> polls = new ArrayList<>();
        for (String s : servers) {
            polls.add(transport.exchange(HttpCall.get(URI.create(s + "/load")).withTimeout(LOAD_TIMEOUT))
                    .handle((reply, error) -> {
                        if (error == null && reply.status() == 200) {
                            try {
                                JsonNode load = Json.MAPPER.readTree(reply.body());
                                if (load.path("inflight").isNumber()) {
                                    inflight.put(s, load.path("inflight").asDouble());
                                }
                            } catch (RuntimeException ignored) {
                                // not cairn's /load: weight stays unknown
                            }
                        }
                        return null;
                    }));
        }
        return CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new));
    }
}
