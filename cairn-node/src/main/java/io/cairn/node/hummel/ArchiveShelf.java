package io.cairn.node.hummel;

import io.cairn.client.hummel.HummelHttp;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.hummel.IndexEntry;
import io.cairn.node.http.ByteRange;
import io.cairn.node.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;

/**
 * A slave's archives: {@code <data>/hummel/archives/<hash>.gz}, one file each, exactly the bytes
 * of the master's {@code [hash].gz}. A download goes to {@code <hash>.gz.part}, is verified (the
 * gzip stream must decompress to content whose SHA-256 is the hash) and only then renamed into
 * place, so a listed archive is always whole and right; leftover {@code .part} files are deleted
 * at start. Serves {@code GET /hummel/{hash}.gz} with {@code Range}.
 *
 * <p>A shelf that keeps content (a slave without quota) also keeps, for each deflated archive,
 * its verified content as {@code <hash>} beside it, written while verifying and renamed into
 * place after the archive (DECISIONS 83), and serves it as {@code GET /hummel/{hash}} with
 * {@code Range}. A content file whose archive is missing is deleted at start.
 */
final class ArchiveShelf {
    static final String DIR = "archives";
    static final String SUFFIX = ".gz";
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(30);
    static final int PIECE_BYTES = 256 * 1024;

    private final Path dir;
    private final Map<String, Long> held = new ConcurrentHashMap<>();
    private final Set<String> contents = ConcurrentHashMap.newKeySet();
    private final PiecePool pieces = new PiecePool();
    private final boolean keepContent;

    ArchiveShelf(Path hummelDir, boolean keepContent) throws IOException {
        this.dir = hummelDir.resolve(DIR);
        this.keepContent = keepContent;
        Files.createDirectories(dir);
        List<Path> contentFiles = new java.util.ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                String hash = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : null;
                if (IndexEntry.isHash(hash)) {
                    held.put(hash, Files.size(f));
                } else if (IndexEntry.isHash(name)) {
                    contentFiles.add(f);
                } else {
                    Files.deleteIfExists(f); // an interrupted download or a stranger
                }
            }
        }
        for (Path f : contentFiles) {
            String hash = f.getFileName().toString();
            if (keepContent && held.containsKey(hash)) {
                contents.add(hash);
            } else {
                Files.deleteIfExists(f); // its archive is gone, or this shelf keeps no content
            }
        }
    }

    /** The hash named by {@code <hash>.gz} (either case), else a BAD_REQUEST. */
    static String hashOf(String fileName) {
        if (fileName == null || !fileName.endsWith(SUFFIX)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "an archive is named <sha-256 hex>.gz");
        }
        String h = fileName.substring(0, fileName.length() - SUFFIX.length()).toLowerCase(java.util.Locale.ROOT);
        if (!IndexEntry.isHash(h)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "an archive is named <sha-256 hex>.gz");
        }
        return h;
    }

    Set<String> held() {
        return Set.copyOf(held.keySet());
    }

    long bytes() {
        return held.values().stream().mapToLong(Long::longValue).sum();
    }

    void drop(String hash) throws IOException {
        contents.remove(hash);
        Files.deleteIfExists(dir.resolve(hash));
        held.remove(hash);
        Files.deleteIfExists(dir.resolve(hash + SUFFIX));
    }

    /**
     * Fetches one archive from the first source that gives the right bytes; false when none did.
     * Each source is asked once; a wrong or cut download is discarded, never kept.
     */
    boolean fetch(String hash, List<URI> sources, HummelHttp http) {
        Path part = dir.resolve(hash + SUFFIX + ".part");
        Path contentPart = keepContent ? dir.resolve(hash + ".part") : null;
        for (URI source : sources) {
            URI uri = source.resolve("/hummel/" + hash + SUFFIX);
            try {
                HummelHttp.Opened o = http.open(uri, 0, -1, DOWNLOAD_TIMEOUT);
                try (InputStream in = o.body(); OutputStream out = Files.newOutputStream(part)) {
                    in.transferTo(out);
                }
                ArchiveCheck.Result checked = ArchiveCheck.check(part, hash, contentPart);
                if (!checked.matches()) {
                    Files.deleteIfExists(part);
                    continue;
                }
                long size = Files.size(part);
                Files.move(part, dir.resolve(hash + SUFFIX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (checked.contentKept()) { // after its archive: a content file never stands alone
                    Files.move(contentPart, dir.resolve(hash), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    contents.add(hash);
                }
                held.put(hash, size);
                return true;
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(part);
                    if (contentPart != null) {
                        Files.deleteIfExists(contentPart);
                    }
                } catch (IOException ignored) {
                    // deleted at the next start
                }
            }
        }
        return false;
    }

    /** True when the gzip file decompresses to content whose SHA-256 is {@code hash}. */
    static boolean verify(Path gz, String hash) {
        return ArchiveCheck.check(gz, hash, null).matches();
    }

    /**
     * {@code GET /hummel/{hash}.gz}: the archive; {@code GET /hummel/{hash}}: its content, when
     * this shelf kept it. 200 or 206 with Range; 404 when not here.
     */
    void serve(Exchange ex) throws IOException {
        String name = ex.param("archive");
        boolean content = name != null && IndexEntry.isHash(name.toLowerCase(java.util.Locale.ROOT));
        String hash = content ? name.toLowerCase(java.util.Locale.ROOT) : hashOf(name);
        if (content && !contents.contains(hash)) {
            throw new CairnException(ErrorCode.NOT_FOUND, "no content copy of " + hash + " on this slave");
        }
        Path file = dir.resolve(content ? hash : hash + SUFFIX);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CairnException(ErrorCode.NOT_FOUND, "archive " + hash + " is not on this slave");
        }
        try (ch) {
            long size = ch.size();
            ByteRange range = ByteRange.parse(ex.header(HttpHeader.RANGE), size);
            var headers = ex.response().getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, content ? "application/octet-stream" : "application/gzip");
            headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
            headers.put(HttpHeader.CONTENT_LENGTH, range.length());
            int status = 200;
            if (range.partial()) {
                status = 206;
                headers.put(HttpHeader.CONTENT_RANGE, range.contentRange(size));
            }
            ex.begin(status);
            if (ex.isHead() || range.length() == 0) {
                ex.finish();
                return;
            }
            long pos = range.start();
            long end = range.endInclusive() + 1;
            ByteBuffer buf = pieces.take();
            while (pos < end) {
                buf.clear().limit((int) Math.min(PIECE_BYTES, end - pos));
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos + buf.position());
                    if (n < 0) {
                        throw new IOException("archive " + hash + " shrank while served");
                    }
                }
                pos += buf.flip().remaining();
                ex.write(buf, pos == end); // blocks until sent
            }
            pieces.give(buf); // only after a clean finish: a failed write may leave Jetty holding it
        }
    }

    /**
     * Direct buffers for serving, reused: a file read into a direct buffer and written from it
     * costs one copy each way in the kernel, where a fresh heap buffer per piece cost a zeroed
     * allocation and two more copies through the JDK's temporary direct buffers. At most
     * {@link #MAX_POOLED} are kept; beyond that, a request gets a new one that is dropped after.
     */
    static final class PiecePool {
        static final int MAX_POOLED = 16;
        private final java.util.concurrent.ConcurrentLinkedQueue<ByteBuffer> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger pooled = new java.util.concurrent.atomic.AtomicInteger();

        ByteBuffer take() {
            ByteBuffer b = free.poll();
            if (b != null) {
                pooled.decrementAndGet();
                return b;
            }
            return ByteBuffer.allocateDirect(PIECE_BYTES);
        }

        void give(ByteBuffer b) {
            if (pooled.incrementAndGet() <= MAX_POOLED) {
                free.add(b);
            } else {
                pooled.decrementAndGet();
            }
        }
    }
}
