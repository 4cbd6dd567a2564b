package io.cairn.node.hummel;

import io.cairn.client.CairnClient;
import io.cairn.client.Transport;
import io.cairn.client.hummel.HummelHttp;
import io.cairn.core.Clock;
import io.cairn.core.NodeId;
import io.cairn.node.http.Router;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's repository role (issue #6) in one piece, so that {@code CairnNode} wires it with three
 * calls: construct, {@link #register} the routes, {@link #start}; and {@link #close} on stop.
 * Nothing at all when the settings are {@link HummelSettings#NONE}.
 *
 * <p>Master: the routes of {@link MasterRoutes}; archives go into the cluster through a
 * {@link CairnClient} on the node's own transport (so they carry the cluster key and are not
 * rate limited). Slave: {@code GET /hummel/{hash}.gz} from its {@link ArchiveShelf} and the
 * {@link SlaveAgent} loop.
 */
public final class Hummel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hummel.class);
    /**
     * Chunk size of archives in the cluster (DECISIONS 87): 1 MiB, not the client's 64 KiB. An
     * archive is compressed, so its chunks never deduplicate against another file's, and it is
     * always read whole or in large ranges; at 64 KiB a build of 1 GiB made ~48,000 block writes
     * (3 replicas each). The system property {@code cairn.hummel.archiveChunkBytes} overrides it,
     * for measurements.
     */
    static final int ARCHIVE_CHUNK_BYTES = Integer.getInteger("cairn.hummel.archiveChunkBytes", 1024 * 1024);
    /** Bytes of one archive upload in flight; a build runs several at once. */
    static final long ARCHIVE_BYTES_IN_FLIGHT = 16L * 1024 * 1024;

    private final HummelSettings settings;
    private final Master master;
    private final CairnClient client;
    private final ArchiveShelf shelf;
    private final SlaveAgent agent;
    private final HummelHttp http;

    /** The X-Cairn-Lease of archive writes: they never expire. */
    static final String ARCHIVE_LEASE = "never";

    public Hummel(HummelSettings settings, Path dataDir, NodeId id, URI self, Transport transport, Clock clock,
                  RandomGenerator random) throws IOException {
        this.settings = settings;
        if (settings.master()) {
            Path root = settings.repository();
            if (!Files.isDirectory(root)) {
                throw new IOException("the repository " + root + " is not a directory");
            }
            // Archives are stored without expiry (DECISIONS 88):
            // the index may keep naming an archive for longer than any lease, and nobody reads
            // archives through the cluster often enough to renew one.
            this.client = CairnClient.builder().node(self).transport(transport).clock(clock)
                    .chunkSize(ARCHIVE_CHUNK_BYTES).maxBytesInFlight(ARCHIVE_BYTES_IN_FLIGHT)
                    .lease(ARCHIVE_LEASE).build();
            this.master = new Master(settings.withRepository(root.toRealPath()), new MasterStore(dataDir),
                    (archive, bytes) -> client.put(archive, bytes, io.cairn.client.ProgressListener.NONE), clock, random);
        } else {
            this.client = null;
            this.master = null;
        }
        if (settings.slave()) {
            this.http = new HummelHttp();
            this.shelf = new ArchiveShelf(dataDir.resolve(MasterStore.DIR), settings.quotaBytes() == 0);
            this.agent = new SlaveAgent(settings, id, self, shelf, http);
        } else {
            this.http = null;
            this.shelf = null;
            this.agent = null;
        }
    }

    public Router register(Router router) {
        if (master != null) {
            new MasterRoutes(master).register(router);
        }
        if (shelf != null) {
            router.add("GET", "/hummel/{archive}", shelf::serve).add("HEAD", "/hummel/{archive}", shelf::serve);
        }
        return router;
    }

    public void start() {
        if (master != null) {
            log.info("master of repository {} (index version {}, {} files), {} build threads, gzip level {}",
                    settings.repository(), master.state().index().version(), master.state().index().files().size(),
                    settings.buildThreads(), settings.gzipLevel());
        }
        if (agent != null) {
            agent.start();
        }
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        if (http != null) {
            http.close();
        }
        if (master != null) {
            master.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
