package io.cairn.client;

import io.cairn.core.Address;
import io.cairn.core.Clock;
import io.cairn.core.Manifest;
import io.cairn.core.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Java client of a cairn cluster: what the CLI, tests and applications call. Files go in with
 * {@link #put} and come out with {@link #get}; both talk to the replicas directly (no node relays
 * the bytes), with the limits set in the {@link Builder}.
 *
 * <p>The client keeps a {@link ClusterView} and refreshes it before an operation when it is older
 * than {@link Builder#nodeListMaxAge}. Failures are {@link io.cairn.core.CairnException}s whose
 * {@link io.cairn.core.ErrorCode} says what went wrong: UNAVAILABLE (too few nodes), NOT_FOUND,
 * HASH_MISMATCH (no copy matched its address), INSUFFICIENT_STORAGE, ...
 *
 * <p>Thread-safe; operations may run concurrently. Close it to release its transport (unless
 * the transport was passed in, which stays the caller's to close).
 */
public final class CairnClient implements AutoCloseable {
    private final Transport transport;
    private final boolean ownsTransport;
    private final ClusterView view;
    private final BlockClient blocks;
    private final FileUploader uploader;
    private final FileDownloader downloader;
    private final Duration nodeListMaxAge;
    private final NameClient names;

    private CairnClient(Builder b) {
        this.ownsTransport = b.transport == null;
        this.transport = b.transport != null ? b.transport : JettyTransport.builder()
                .clusterKey(b.clusterKey)
                .maxInFlightPerNode(b.maxInFlightPerNode)
                .build();
        this.view = new ClusterView(transport, b.nodes, b.clock);
        this.blocks = new BlockClient(transport, b.policy, b.callTimeout);
        int chunksInFlight = (int) Math.max(1, Math.min(b.maxChunksInFlight, b.maxBytesInFlight / b.chunkSize));
        this.uploader = new FileUploader(view, blocks, b.chunkSize, chunksInFlight, b.leaseHeader);
        this.downloader = new FileDownloader(view, blocks, chunksInFlight);
        this.nodeListMaxAge = b.nodeListMaxAge;
        this.names = new NameClient(transport, view, this, b.callTimeout);
    }

    /** Names: put, resolve, get, list, delete (SPEC §3.4). */
    public NameClient names() {
        return names;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client of the cluster that {@code node} belongs to, with defaults. */
    public static CairnClient connect(URI node, String clusterKey) {
        return builder().node(node).clusterKey(clusterKey).build();
    }

    /** Stores a file and returns its address (the address of its manifest). */
    public Address put(Path file) {
        return put(file, ProgressListener.NONE);
    }

    public Address put(Path file, ProgressListener progress) {
        view.refreshIfOlderThan(nodeListMaxAge);
        return uploader.put(file, progress);
    }

    /** Stores a stream; {@code totalBytes} is for progress only (-1 when unknown). */
    public Address put(InputStream in, long totalBytes, ProgressListener progress) throws IOException {
        view.refreshIfOlderThan(nodeListMaxAge);
        return uploader.put(in, totalBytes, progress);
    }

    /** Stores one block of at most 4 MiB as itself (no manifest) and returns its address. */
    public Address putBlock(byte[] bytes) {
        view.refreshIfOlderThan(nodeListMaxAge);
        return uploader.putBlock(bytes);
    }

    /** Writes the file or block at {@code address} to {@code out}, verified, atomically. */
    public FileDownloader.Fetched get(Address address, Path out) {
        return get(address, out, ProgressListener.NONE);
    }

    public FileDownloader.Fetched get(Address address, Path out, ProgressListener progress) {
        view.refreshIfOlderThan(nodeListMaxAge);
        return downloader.get(address, out, progress);
    }

    /** Writes the file or block at {@code address} to a stream, in order, verified at the end. */
    public FileDownloader.Fetched get(Address address, OutputStream out, ProgressListener progress) throws IOException {
        view.refreshIfOlderThan(nodeListMaxAge);
        return downloader.get(address, out, progress);
    }

    /** The block at {@code address}, verified; a manifest is returned as its bytes. */
    public byte[] getBlock(Address address) {
        view.refreshIfOlderThan(nodeListMaxAge);
        return FileUploader.join(blocks.getFromCluster(address, view.nodes()));
    }

    /** The manifest or single block an address names, without fetching chunks. */
    public FileDownloader.Fetched stat(Address address) {
        view.refreshIfOlderThan(nodeListMaxAge);
        return downloader.fetch(address);
    }

    /** The node list, fetched now. */
    public List<NodeInfo> nodes() {
        return view.refresh();
    }

    /** The replicas the current node list gives an address, closest first. */
    public List<NodeInfo> replicasOf(Address address) {
        return Replicas.replicas(address, view.refreshIfOlderThan(nodeListMaxAge), blocks.policy());
    }

    public ClusterView view() {
        return view;
    }

    @Override
    public void close() {
        if (ownsTransport) {
            transport.close();
        }
    }

    /** Every setting of the client: one name, one default, the unit in the name or type. */
    public static final class Builder {
        /**
         * 256 chunks (16 MiB of 64 KiB chunks, still capped by maxBytesInFlight): with 32, a get
         * stalled on the slowest chunk of each window (issue #8, docs/BENCHMARKS.md). The system
         * property {@code cairn.client.maxChunksInFlight} overrides it, for measurements.
         */
        public static final int DEFAULT_MAX_CHUNKS_IN_FLIGHT =
                Integer.getInteger("cairn.client.maxChunksInFlight", 256);
        public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L * 1024 * 1024;

        private final List<URI> nodes = new ArrayList<>();
        private String clusterKey;
        private Transport transport;
        private int chunkSize = Manifest.DEFAULT_CHUNK_SIZE;
        private int maxChunksInFlight = DEFAULT_MAX_CHUNKS_IN_FLIGHT;
        private long maxBytesInFlight = DEFAULT_MAX_BYTES_IN_FLIGHT;
        private int maxInFlightPerNode = JettyTransport.DEFAULT_MAX_IN_FLIGHT_PER_NODE;
        private ReplicationPolicy policy = ReplicationPolicy.DEFAULT;
        private Duration callTimeout = HttpCall.DEFAULT_TIMEOUT;
        private Duration nodeListMaxAge = Duration.ofSeconds(5);
        private String leaseHeader;
        private Clock clock = Clock.SYSTEM;

        private Builder() {}

        /** A node to read the node list from; several may be given, tried in order. */
        public Builder node(URI url) {
            nodes.add(Objects.requireNonNull(url));
            return this;
        }

        /** The cluster key, sent on internal calls; null for an open cluster or public calls only. */
        public Builder clusterKey(String key) {
            this.clusterKey = key;
            return this;
        }

        /** Use this transport instead of making one (tests; a node embedding a client). */
        public Builder transport(Transport t) {
            this.transport = t;
            return this;
        }

        /** Chunk size for put, 1 KiB to 4 MiB (default 64 KiB). */
        public Builder chunkSize(int bytes) {
            this.chunkSize = Chunker.checkChunkSize(bytes);
            return this;
        }

        /** Chunks held in memory at once by a put or get (default 32), see also maxBytesInFlight. */
        public Builder maxChunksInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxChunksInFlight must be positive");
            }
            this.maxChunksInFlight = n;
            return this;
        }

        /** Caps chunks in flight by bytes too (default 64 MiB), which matters with 4 MiB chunks. */
        public Builder maxBytesInFlight(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBytesInFlight must be positive");
            }
            this.maxBytesInFlight = bytes;
            return this;
        }

        /** Requests in flight to one node (default 64); only used when the client makes its transport. */
        public Builder maxInFlightPerNode(int n) {
            this.maxInFlightPerNode = n;
            return this;
        }

        public Builder replication(ReplicationPolicy p) {
            this.policy = Objects.requireNonNull(p);
            return this;
        }

        /** Timeout of each block call (default 30 s). */
        public Builder callTimeout(Duration d) {
            this.callTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** How old the node list may be before an operation refreshes it (default 5 s). */
        public Builder nodeListMaxAge(Duration d) {
            this.nodeListMaxAge = Objects.requireNonNull(d);
            return this;
        }

        /** The X-Cairn-Lease header for writes: seconds or "never"; null for the default 30 days. */
        public Builder lease(String header) {
            this.leaseHeader = header;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        public CairnClient build() {
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("a client needs at least one node URL");
            }
            return new CairnClient(this);
        }
    }
}
