package io.cairn.node.hummel;

import io.cairn.core.Clock;
import io.cairn.core.Hex;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master of one repository: the index it serves, its builds, its slaves and what clients
 * reported. One build at a time (a second request while one runs gets the running one); the new
 * state is saved ({@link MasterStore}) and then swapped in with one reference write, so readers
 * see the old index or the new one, never a mix, and a failed build changes nothing.
 */
final class Master implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Master.class);
    /** Builds remembered for {@code GET /build/{id}}. */
    static final int BUILDS_KEPT = 32;
    /** Clients remembered from {@code POST /clients/hashes}. */
    static final int CLIENTS_KEPT = 10_000;

    record ClientReport(String client, int hashes, long atMs) {}

    private final HummelSettings settings;
    private final MasterStore store;
    private final RepoBuilder builder;
    private final Clock clock;
    private final RandomGenerator random;
    private final AtomicReference<MasterStore.State> state;
    private final SlaveRegistry slaves;
    private final ExecutorService buildThread;
    private final Map<String, BuildProgress> builds = new LinkedHashMap<>();
    private final Map<String, ClientReport> clients = new ConcurrentHashMap<>();
    private BuildProgress running;

    Master(HummelSettings settings, MasterStore store, ArchiveSink sink, Clock clock, RandomGenerator random) throws IOException {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.random = random;
        this.state = new AtomicReference<>(store.load());
        this.builder = new RepoBuilder(settings.repository(), store.dir().resolve("tmp"), sink,
                settings.buildThreads(), settings.gzipLevel());
        this.slaves = new SlaveRegistry(settings.slaveTimeout().toMillis());
        this.buildThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("hummel-build").daemon(true).factory());
        cleanTmp();
    }

    MasterStore.State state() {
        return state.get();
    }

    SlaveRegistry slaves() {
        return slaves;
    }

    HummelSettings settings() {
        return settings;
    }

    long nowMs() {
        return clock.now().toEpochMilli();
    }

    /** Starts a build, or returns the one running. */
    synchronized BuildProgress startBuild() {
        if (running != null && running.state == BuildProgress.State.RUNNING) {
            return running;
        }
        byte[] raw = new byte[8];
        random.nextBytes(raw);
        BuildProgress p = new BuildProgress(Hex.encode(raw), nowMs());
        running = p;
        builds.put(p.id, p);
        while (builds.size() > BUILDS_KEPT) {
            builds.remove(builds.keySet().iterator().next());
        }
        buildThread.execute(() -> run(p));
        return p;
    }

    private void run(BuildProgress p) {
        try {
            MasterStore.State next = builder.build(state.get(), p);
            store.save(next);
            state.set(next);
            p.version = next.index().version();
            p.state = BuildProgress.State.DONE;
            log.info("repository build {} done: version {}, {} files ({} read, {} reused), {} archives stored, {} errors",
                    p.id, p.version, p.filesTotal, p.filesRead.get(), p.filesReused.get(), p.archivesStored.get(),
                    p.errors().size());
        } catch (Throwable e) {
            p.failure = e.getMessage() == null ? e.toString() : e.getMessage();
            p.state = BuildProgress.State.FAILED;
            log.warn("repository build {} failed; the previous index (version {}) stays: {}", p.id,
                    state.get().index().version(), p.failure);
        } finally {
            p.finishedAtMs = nowMs();
            cleanTmp();
        }
    }

    synchronized BuildProgress build(String id) {
        return builds.get(id);
    }

    synchronized BuildProgress lastBuild() {
        return running;
    }

    void clientReport(String client, int hashes) {
        if (clients.size() >= CLIENTS_KEPT && !clients.containsKey(client)) {
            clients.values().stream().min(java.util.Comparator.comparingLong(ClientReport::atMs))
                    .ifPresent(oldest -> clients.remove(oldest.client()));
        }
        clients.put(client, new ClientReport(client, hashes, nowMs()));
    }

    Map<String, ClientReport> clients() {
        return Map.copyOf(clients);
    }

    private void cleanTmp() {
        java.nio.file.Path tmp = store.dir().resolve("tmp");
        try (var files = java.nio.file.Files.list(tmp)) {
            files.forEach(f -> {
                try {
                    java.nio.file.Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // tried again at the next build
                }
            });
        } catch (IOException ignored) {
            // no tmp directory yet
        }
    }

    @Override
    public void close() {
        buildThread.shutdownNow();
    }
}
