package io.cairn.node.directory;

import io.cairn.client.BlockClient;
import io.cairn.client.ClusterView;
import io.cairn.client.FileUploader;
import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.ProgressListener;
import io.cairn.client.Replicas;
import io.cairn.client.ReplicationPolicy;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeInfo;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.membership.Membership;
import io.cairn.store.BlockStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The bytes behind names: how {@code PUT /names} and memcache {@code set} store a blob, and how
 * an owner finds out whether it holds one (SPEC §3.4).
 *
 * <p><b>Storing.</b> The receiving node coordinates: a blob of at most one chunk (64 KiB) is
 * stored as one block; a larger one as a file (64 KiB chunks and a manifest) through the
 * client's {@link FileUploader}, read from the request as it arrives (memory bounded by the
 * uploader's window). Either way each block goes to its N XOR-closest alive storage nodes and is
 * acknowledged at the write quorum, exactly as a client's put (cairn-client README); the node
 * list is this node's membership view, so no HTTP call is spent on it.
 *
 * <p><b>Holding.</b> A node holds a blob when its store has the block, and, when that block is a
 * manifest, every chunk of it. The owner serves such a blob itself (200); otherwise it redirects
 * (302) to {@code /blocks/{a}} on the first replica that answers HEAD with 200, or, for a file,
 * to {@code /files/{a}} on the manifest's closest alive replica, which assembles it.
 */
final class Blobs {
    static final int CHUNK_SIZE = Manifest.DEFAULT_CHUNK_SIZE;
    static final int UPLOAD_CHUNKS_IN_FLIGHT = 16;

    /** A stored blob. */
    record Stored(Address address, long size, boolean file) {}

    private final BlockStore store;
    private final Membership membership;
    private final Transport transport;
    private final BlockFetcher fetcher;
    private final BlockClient blocks;
    private final Duration timeout;

    Blobs(BlockStore store, Membership membership, Transport transport, BlockFetcher fetcher, int replication,
          Duration timeout) {
        this.store = store;
        this.membership = membership;
        this.transport = transport;
        this.fetcher = fetcher;
        this.timeout = timeout;
        this.blocks = new BlockClient(transport, new ReplicationPolicy(replication, Math.min(2, replication)),
                Duration.ofSeconds(30));
    }

    /**
     * Stores a blob read from {@code in}: one block when it fits one chunk, else a file.
     * {@code maxBytes} bounds it (TOO_LARGE, counted as it arrives); {@code leaseHeader} is the
     * {@code X-Cairn-Lease} for its blocks (null: the default 30 days).
     */
    Stored put(InputStream in, long maxBytes, String leaseHeader) throws IOException {
        byte[] head = in.readNBytes(CHUNK_SIZE + 1);
        if (head.length > maxBytes) {
            throw new CairnException(ErrorCode.TOO_LARGE, "blob larger than " + maxBytes + " bytes");
        }
        List<NodeInfo> nodes = membership.nodeInfos();
        if (head.length <= CHUNK_SIZE) {
            Address a = Address.of(head);
            BlockClient.BlockWrite w = blocks.put(a, ByteBuffer.wrap(head), nodes, leaseHeader);
            await(w.acknowledged());
            w.settled().exceptionally(e -> null);
            return new Stored(a, head.length, false);
        }
        InputStream all = new Bounded(new SequenceInputStream(new ByteArrayInputStream(head), in), maxBytes);
        FileUploader uploader = new FileUploader(ClusterView.fixed(transport, nodes), blocks, CHUNK_SIZE,
                UPLOAD_CHUNKS_IN_FLIGHT, leaseHeader);
        Address a = uploader.put(all, -1, ProgressListener.NONE);
        return new Stored(a, ((Bounded) all).count, true);
    }

    /** What is at an address (for the JSON bind form); NOT_FOUND when it is nowhere. */
    Stored stat(Address address) {
        ByteBuffer block = fetcher.fetch(address);
        Manifest m = manifestOrNull(block);
        return m != null ? new Stored(address, m.size(), true) : new Stored(address, block.remaining(), false);
    }

    /** The manifest when the block at {@code address} here is one and every chunk is here too; else empty. */
    Optional<Held> heldLocally(Address address) {
        Optional<ByteBuffer> block = store.read(address);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        Manifest m = manifestOrNull(block.get());
        if (m != null) {
            for (Manifest.Chunk c : m.chunks()) {
                if (store.sizeOf(c.id()) < 0) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Held(block.get(), m));
    }

    /** A blob this node holds: the block, and its manifest when it is a file. */
    record Held(ByteBuffer block, Manifest manifest) {}

    /** The local bytes of a chunk this node was found to hold. */
    ByteBuffer localChunk(Address chunk) {
        return store.read(chunk).orElseThrow(() -> new CairnException(ErrorCode.NOT_FOUND, "chunk " + chunk + " vanished"));
    }

    /** Where a redirect should send a reader of the blob at {@code address}; empty when no replica has it. */
    Optional<URI> holder(Address address) {
        List<NodeInfo> nodes = membership.nodeInfos();
        List<NodeInfo> order = Replicas.readOrder(address, nodes, blocks.policy(), 2 * blocks.policy().replicas());
        for (NodeInfo n : order) {
            if (n.id().equals(membership.selfId())) {
                continue;
            }
            try {
                HttpReply r = transport.exchange(new HttpCall("HEAD", n.url().resolve("/blocks/" + address.hex()),
                        java.util.Map.of(), null, timeout, false)).join();
                if (r.status() == 200) {
                    return Optional.of(n.url());
                }
            } catch (RuntimeException unreachable) {
                // try the next replica
            }
        }
        return Optional.empty();
    }

    /** The whole blob, at most {@code maxBytes} (memcache values), verified chunk by chunk. */
    byte[] readAll(Address address, long size, int maxBytes) {
        if (size > maxBytes) {
            throw new CairnException(ErrorCode.TOO_LARGE, "value of " + size + " bytes exceeds " + maxBytes);
        }
        ByteBuffer block = fetcher.fetch(address);
        Manifest m = manifestOrNull(block);
        if (m == null) {
            byte[] out = new byte[block.remaining()];
            block.duplicate().get(out);
            return out;
        }
        if (m.size() > maxBytes) {
            throw new CairnException(ErrorCode.TOO_LARGE, "value of " + m.size() + " bytes exceeds " + maxBytes);
        }
        byte[] out = new byte[(int) m.size()];
        int at = 0;
        for (Manifest.Chunk c : m.chunks()) {
            ByteBuffer chunk = fetcher.fetch(c.id());
            if (chunk.remaining() != c.size()) {
                throw new CairnException(ErrorCode.HASH_MISMATCH, "chunk " + c.id() + " has the wrong size");
            }
            chunk.duplicate().get(out, at, c.size());
            at += c.size();
        }
        return out;
    }

    /** The addresses whose leases a record keeps alive: the block, and a manifest's chunks. */
    List<Address> referenced(Address address) {
        ByteBuffer block;
        try {
            block = fetcher.fetch(address);
        } catch (CairnException gone) {
            return List.of(address);
        }
        Manifest m = manifestOrNull(block);
        if (m == null) {
            return List.of(address);
        }
        List<Address> out = new java.util.ArrayList<>(m.chunks().size() + 1);
        out.add(address);
        m.chunks().forEach(c -> out.add(c.id()));
        return out;
    }

    BlockClient blocks() {
        return blocks;
    }

    static Manifest manifestOrNull(ByteBuffer block) {
        byte[] bytes = new byte[block.remaining()];
        block.duplicate().get(bytes);
        if (!ManifestCodec.looksLikeManifest(bytes)) {
            return null;
        }
        try {
            return ManifestCodec.decode(bytes);
        } catch (CairnException notAManifest) {
            return null;
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Counts bytes and refuses more than a bound (TOO_LARGE). */
    private static final class Bounded extends java.io.FilterInputStream {
        private final long max;
        long count;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count > max) {
                throw new CairnException(ErrorCode.TOO_LARGE, "blob larger than " + max + " bytes");
            }
        }
    }
}
