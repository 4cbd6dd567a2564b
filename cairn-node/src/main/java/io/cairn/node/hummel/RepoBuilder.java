package io.cairn.node.hummel;

import io.cairn.core.Address;
import io.cairn.core.Hex;
import io.cairn.core.hummel.BuildPlan;
import io.cairn.core.hummel.IndexEntry;
import io.cairn.core.hummel.RepoIndex;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds the next index of a repository from the previous one (SPEC §3.5).
 *
 * <p>How: scan ({@link RepoScanner}), decide what to read ({@link BuildPlan}: same size and mtime
 * → reused), then read the rest largest first on {@code threads} threads. Each file is read once,
 * through SHA-256 and gzip at the same time into an {@link ArchiveBuffer} (memory, or a temp file
 * for a large archive); its archive is stored through the
 * {@link ArchiveSink} unless an archive of that hash is already known (a renamed or copied file
 * costs no upload). The result is returned, not installed: the caller saves it and swaps it in,
 * so a build that throws leaves the old index serving.
 *
 * <p>Files that misbehave while read, each with its outcome:
 * <ul>
 *   <li><b>vanished</b> (gone when opened): left out of the new index, error "vanished";</li>
 *   <li><b>changed while read</b> (size or mtime differ after the read from before it, or a
 *       different byte count): read again, at most {@link #ATTEMPTS} times; then the previous
 *       index's entry is kept if there is one, else the file is left out; error "changed while read";</li>
 *   <li><b>became a symlink or special file</b> before it was opened: opened with NOFOLLOW,
 *       so the open fails; treated as changed;</li>
 *   <li><b>unreadable</b> (permission, I/O error): left out, error "unreadable: ...".</li>
 * </ul>
 * A failure of the sink (the cluster cannot take the archive) fails the whole build.
 */
final class RepoBuilder {
    static final int ATTEMPTS = 3;
    static final int READ_BUFFER_BYTES = 256 * 1024;
    /** Archives up to this size are held in memory between compression and upload (per build thread). */
    static final long ARCHIVE_MEMORY_BYTES = 8L * 1024 * 1024;

    private final Path root;
    private final Path tmpDir;
    private final ArchiveSink sink;
    private final int threads;
    private final int gzipLevel;
    /** Called between the first stat and the open of each read attempt; tests use it to change, remove or fail a file mid-build. */
    volatile ReadHook beforeRead = (file, attempt) -> {};

    interface ReadHook {
        void before(Path file, int attempt) throws IOException;
    }

    RepoBuilder(Path root, Path tmpDir, ArchiveSink sink, int threads, int gzipLevel) {
        this.root = root;
        this.tmpDir = tmpDir;
        this.sink = sink;
        this.threads = threads;
        this.gzipLevel = gzipLevel;
    }

    MasterStore.State build(MasterStore.State previous, BuildProgress progress) throws Exception {
        Files.createDirectories(tmpDir);
        List<BuildPlan.Scanned> scanned = RepoScanner.scan(root, progress);
        Map<String, IndexEntry> before = previous.index().byPath();
        BuildPlan.Plan plan = BuildPlan.plan(before, scanned);
        progress.filesTotal = scanned.size();
        progress.bytesTotal = plan.bytesToRead();
        progress.filesReused.set(plan.reused().size());
        progress.filesDone.set(plan.reused().size());

        Map<String, Address> archives = new ConcurrentHashMap<>(previous.archives());
        Map<String, Long> archiveSizes = new ConcurrentHashMap<>();
        // Hash -> the store in progress for it, so equal contents read in parallel are stored once.
        Map<String, java.util.concurrent.CompletableFuture<Address>> storing = new ConcurrentHashMap<>();
        for (IndexEntry e : previous.index().files()) {
            archiveSizes.put(e.hash(), e.archiveSize());
        }
        List<BuildPlan.Scanned> toRead = new ArrayList<>(plan.toRead());
        toRead.sort(Comparator.comparingLong(BuildPlan.Scanned::size).reversed());
        List<IndexEntry> entries = new ArrayList<>(plan.reused());
        ExecutorService pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("hummel-build-", 0).daemon(true).factory());
        try {
            List<Future<IndexEntry>> results = new ArrayList<>();
            for (BuildPlan.Scanned s : toRead) {
                results.add(pool.submit(() -> one(s, before.get(s.path()), archives, storing, archiveSizes, progress)));
            }
            for (Future<IndexEntry> f : results) {
                try {
                    IndexEntry e = f.get();
                    if (e != null) {
                        entries.add(e);
                    }
                } catch (java.util.concurrent.ExecutionException ee) {
                    results.forEach(r -> r.cancel(true));
                    throw ee.getCause() instanceof Exception ex ? ex : ee;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Address> used = new HashMap<>();
        for (IndexEntry e : entries) {
            used.put(e.hash(), archives.get(e.hash()));
        }
        return new MasterStore.State(new RepoIndex(previous.index().version() + 1, entries), used);
    }

    /**
     * The archive address for the content just read, storing it only if no other file of this
     * build (read in parallel) or of an earlier build has: the first worker to claim a hash stores
     * it, the others wait for that worker's result, so equal contents are archived once.
     */
    private Address archiveOf(Read read, Map<String, Address> archives,
                              Map<String, java.util.concurrent.CompletableFuture<Address>> storing,
                              BuildProgress progress) throws Exception {
        Address known = archives.get(read.hash);
        if (known != null) {
            return known;
        }
        java.util.concurrent.CompletableFuture<Address> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Address> theirs = storing.putIfAbsent(read.hash, mine);
        if (theirs != null) {
            try {
                return theirs.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception c ? c : e;
            }
        }
        try {
            Address address = store(read.gz);
            archives.put(read.hash, address);
            progress.archivesStored.incrementAndGet();
            mine.complete(address);
            return address;
        } catch (Exception | Error e) {
            storing.remove(read.hash, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** Reads one file; null when it is left out. Sink failures propagate and fail the build. */
    private IndexEntry one(BuildPlan.Scanned s, IndexEntry old, Map<String, Address> archives,
                           Map<String, java.util.concurrent.CompletableFuture<Address>> storing,
                           Map<String, Long> archiveSizes, BuildProgress progress) throws Exception {
        Path file = root.resolve(s.path());
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                Read read = read(file, attempt);
                if (read == null) {
                    continue; // changed while read
                }
                try {
                    long gzBytes = read.gzBytes;
                    Address address = archiveOf(read, archives, storing, progress);
                    archiveSizes.putIfAbsent(read.hash, gzBytes);
                    progress.filesRead.incrementAndGet();
                    progress.bytesDone.addAndGet(read.size);
                    return new IndexEntry(s.path(), read.size, read.mtime, read.mode, read.hash, archiveSizes.get(read.hash));
                } finally {
                    read.gz.delete();
                }
            }
            progress.error(s.path(), "changed while read (" + ATTEMPTS + " attempts)"
                    + (old != null ? "; the previous version stays in the index" : "; left out"));
            return old;
        } catch (NoSuchFileException gone) {
            progress.error(s.path(), "vanished");
            return null;
        } catch (java.nio.file.FileSystemException e) {
            if (e.getMessage() != null && e.getMessage().contains("symbolic link")) {
                progress.error(s.path(), "changed while read (became a symlink); left out");
                return null;
            }
            progress.error(s.path(), "unreadable: " + e.getClass().getSimpleName() + " " + e.getReason());
            return null;
        } catch (IOException e) {
            progress.error(s.path(), "unreadable: " + e);
            return null;
        } finally {
            progress.filesDone.incrementAndGet();
        }
    }

    /** The sink's failures are the build's, never a file's: they must not look like an IOException of a read. */
    private Address store(ArchiveBuffer gz) {
        try (java.io.InputStream in = gz.open()) {
            return sink.store(in, gz.size());
        } catch (Exception e) {
            throw new SinkFailure("storing an archive in the cluster failed: " + e.getMessage(), e);
        }
    }

    static final class SinkFailure extends RuntimeException {
        SinkFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Read(String hash, long size, long mtime, int mode, ArchiveBuffer gz, long gzBytes) {}

    /** One read through SHA-256 and gzip; null when the file changed meanwhile. */
    private Read read(Path file, int attempt) throws IOException {
        PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!before.isRegularFile()) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "not a regular file any more (symbolic link or special)");
        }
        beforeRead.before(file, attempt);
        ArchiveBuffer gz = new ArchiveBuffer(tmpDir, ARCHIVE_MEMORY_BYTES);
        boolean ok = false;
        try {
            MessageDigest sha = io.cairn.core.Address.sha256();
            long count = 0;
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = new LeveledGzip(gz, gzipLevel)) {
                ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER_BYTES);
                int n;
                while ((n = in.read(buf.clear())) > 0) {
                    sha.update(buf.array(), 0, n);
                    out.write(buf.array(), 0, n);
                    count += n;
                }
            }
            PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (count != before.size() || after.size() != before.size()
                    || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
                return null;
            }
            ok = true;
            return new Read(Hex.encode(sha.digest()), count, before.lastModifiedTime().toMillis(),
                    RepoScanner.mode(after), gz, gz.size());
        } finally {
            if (!ok) {
                gz.delete();
            }
        }
    }
}
