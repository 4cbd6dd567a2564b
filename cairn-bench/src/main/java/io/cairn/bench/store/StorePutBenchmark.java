package io.cairn.bench.store;

import io.cairn.core.Address;
import io.cairn.core.Lease;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockStores;
import io.cairn.store.StoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Durable PUT of 64 KiB blocks from 32 threads (issue #2): the segment store (design (b), what
 * {@link BlockStores#open} returns: append, group commit) against the naive baseline, one file per
 * block written as temp file, fsync, rename, and against design (a), the complete file-per-block
 * store. All in the same run, so compare the ratios.
 *
 * <p>The baseline does less than the store: it neither hashes the block nor fsyncs the directory
 * after the rename (which a durable file-per-block store must), so the ratio understates the win.
 * Every iteration starts from an empty directory and deletes it afterwards, keeping disk use to
 * what one iteration writes, then lets the disk settle ({@link #settleDisk}).
 *
 * <pre>java -jar cairn-bench/target/cairn-benchmarks.jar StorePutBenchmark -wi 2 -i 3 -f 1 -w 5s -r 5s</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(32)
public class StorePutBenchmark {
    static final int BLOCK_BYTES = 64 * 1024;

    @State(Scope.Benchmark)
    public static class Dir {
        Path dir;
        BlockStore store;
        BlockStore filePerBlockStore;
        final AtomicLong names = new AtomicLong();

        @Setup(Level.Iteration)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))), "cairn-put-");
            store = BlockStores.open(StoreConfig.of(dir.resolve("store")));
            filePerBlockStore = openFilePerBlockStore(StoreConfig.of(dir.resolve("files")));
            Files.createDirectories(dir.resolve("naive"));
        }

        @TearDown(Level.Iteration)
        public void tearDown() throws IOException, InterruptedException {
            store.close();
            filePerBlockStore.close();
            Files2.deleteTree(dir);
            settleDisk();
        }
    }

    /** A fresh 64 KiB block per call: random bytes once per thread, then a counter in the first 8. */
    @State(Scope.Thread)
    public static class Block {
        final byte[] bytes = new byte[BLOCK_BYTES];
        long counter;

        @Setup
        public void setUp() {
            ThreadLocalRandom.current().nextBytes(bytes);
        }

        ByteBuffer next() {
            ByteBuffer.wrap(bytes).putLong(0, counter++);
            return ByteBuffer.wrap(bytes);
        }
    }

    @Benchmark
    public BlockStore.PutOutcome segmentStore(Dir d, Block b) {
        ByteBuffer content = b.next();
        return d.store.put(Address.of(content), content, Lease.NEVER);
    }

    /**
     * Lets the disk finish the previous iteration's work (write-back, and the discards ext4
     * mounted with {@code discard} issues when the files are deleted) before the next iteration
     * is measured; without this the iteration after a big delete measures the delete. Not timed.
     */
    static void settleDisk() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        Thread.sleep(Long.getLong("bench.settleMs", 5000));
    }

    /**
     * Design (a), the complete file-per-block store ({@code FileBlockStore}, package-private in
     * cairn-store, kept as the measured alternative; opened here by reflection).
     */
    static BlockStore openFilePerBlockStore(StoreConfig config) {
        try {
            var ctor = Class.forName("io.cairn.store.FileBlockStore").getDeclaredConstructor(StoreConfig.class);
            ctor.setAccessible(true);
            return (BlockStore) ctor.newInstance(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public BlockStore.PutOutcome filePerBlockStore(Dir d, Block b) {
        ByteBuffer content = b.next();
        return d.filePerBlockStore.put(Address.of(content), content, Lease.NEVER);
    }

    @Benchmark
    public long naiveFilePerBlock(Dir d, Block b) throws IOException {
        long n = d.names.incrementAndGet();
        Path target = d.dir.resolve("naive").resolve(Long.toString(n));
        Path tmp = d.dir.resolve("naive").resolve(n + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer content = b.next();
            while (content.hasRemaining()) {
                ch.write(content);
            }
            ch.force(false);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return n;
    }
}
