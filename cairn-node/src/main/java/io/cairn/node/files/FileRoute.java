package io.cairn.node.files;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.node.http.ByteRange;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.RateLimitedException;
import io.cairn.node.http.Route;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code GET} and {@code HEAD /files/{address}} (SPEC §3.3): the file whose manifest has this
 * address, assembled from its chunks, on any node.
 *
 * <p>How: fetch and decode the manifest ({@link BlockFetcher}, so it may live elsewhere); work out
 * the chunks a Range needs; fetch them in order with up to {@code readAhead} in flight, writing
 * each as soon as it and all before it are here. Memory per download is bounded by
 * {@code readAhead} chunks, and downloads per node by {@link #MAX_CONCURRENT} (more are a 429).
 *
 * <p>Failures: anything wrong before the first byte goes out (not a manifest: 400; a chunk
 * nowhere to be found: 404/503; a chunk of the wrong size: 422) is a JSON error. After that the
 * connection is cut, so a client never mistakes a partial file for a whole one; for a whole-file
 * download the file's SHA-256 is checked before the last chunk is sent, for the same reason.
 */
public final class FileRoute implements Route {
    public static final int MAX_CONCURRENT = 64;

    private final BlockFetcher fetcher;
    private final int readAhead;
    private final Semaphore downloads = new Semaphore(MAX_CONCURRENT);

    public FileRoute(BlockFetcher fetcher, int readAhead) {
        this.fetcher = fetcher;
        this.readAhead = readAhead;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        Address address = Address.parse(ex.param("address"));
        if (!downloads.tryAcquire()) {
            throw new RateLimitedException("too many file downloads in progress on this node", 1);
        }
        try {
            serve(ex, address);
        } finally {
            downloads.release();
        }
    }

    private void serve(Exchange ex, Address address) throws Exception {
        Manifest manifest = manifest(address);
        long size = manifest.size();
        ByteRange range = ByteRange.parse(ex.header(HttpHeader.RANGE), size);
        HttpFields.Mutable headers = ex.response().getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, Exchange.OCTET_STREAM);
        headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
        headers.put(HttpHeader.ETAG, "\"" + address.hex() + "\"");
        headers.put(HttpHeader.CONTENT_LENGTH, range.length());
        int status = 200;
        if (range.partial()) {
            status = 206;
            headers.put(HttpHeader.CONTENT_RANGE, range.contentRange(size));
        }
        if (ex.isHead() || range.length() == 0) {
            ex.begin(status);
            ex.finish();
            return;
        }
        int chunkSize = manifest.chunkSize();
        int first = (int) (range.start() / chunkSize);
        int last = (int) (range.endInclusive() / chunkSize);
        MessageDigest whole = range.partial() ? null : io.cairn.core.Address.sha256();
        ArrayDeque<CompletableFuture<ByteBuffer>> window = new ArrayDeque<>(readAhead);
        int next = first;
        try {
            for (int i = first; i <= last; i++) {
                while (next <= last && window.size() < readAhead) {
                    window.add(fetcher.fetchAsync(manifest.chunks().get(next).id()));
                    next++;
                }
                ByteBuffer chunk = await(window.poll());
                Manifest.Chunk expected = manifest.chunks().get(i);
                if (chunk.remaining() != expected.size()) {
                    throw new CairnException(ErrorCode.HASH_MISMATCH, "chunk " + i + " is " + chunk.remaining()
                            + " bytes but the manifest says " + expected.size());
                }
                if (whole != null) {
                    whole.update(chunk.duplicate());
                }
                long chunkStart = manifest.offsetOf(i);
                int from = (int) Math.max(0, range.start() - chunkStart);
                int to = (int) Math.min(expected.size(), range.endInclusive() - chunkStart + 1);
                ByteBuffer piece = chunk.slice(chunk.position() + from, to - from);
                boolean isLast = i == last;
                if (isLast && whole != null && !Hex.encode(whole.digest()).equals(manifest.sha256())) {
                    throw new CairnException(ErrorCode.HASH_MISMATCH, "file " + address
                            + " does not hash to the sha256 its manifest records");
                }
                if (i == first) {
                    ex.begin(status);
                }
                ex.write(piece, isLast);
            }
        } finally {
            window.forEach(f -> f.cancel(false));
        }
    }

    private Manifest manifest(Address address) {
        ByteBuffer block = fetcher.fetch(address);
        byte[] bytes = new byte[block.remaining()];
        block.duplicate().get(bytes);
        if (!ManifestCodec.looksLikeManifest(bytes)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "block " + address + " is not a file manifest");
        }
        return ManifestCodec.decode(bytes);
    }

    private static ByteBuffer await(CompletableFuture<ByteBuffer> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
