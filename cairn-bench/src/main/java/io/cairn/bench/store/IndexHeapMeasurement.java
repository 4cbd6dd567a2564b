package io.cairn.bench.store;

import io.cairn.core.Address;
import io.cairn.core.Lease;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockStores;
import io.cairn.store.StoreConfig;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills a store with N small blocks (default 2,000,000 of 100 to 299 bytes) through the public
 * API and measures the heap the store holds per block, two ways: the used heap after full GCs,
 * before and after the fill, and the index's exact array accounting. Leaves the store on disk for
 * {@link StartTimeMeasurement}; with {@code --crash} it ends with {@code Runtime.halt} instead of
 * closing the store, as a kill -9 would.
 *
 * <pre>java -Xmx1g -cp cairn-bench/target/cairn-benchmarks.jar io.cairn.bench.store.IndexHeapMeasurement DIR [N] [--crash]</pre>
 */
public final class IndexHeapMeasurement {
    private IndexHeapMeasurement() {}

    /** Block k: its number, then seeded bytes; 100 to 299 bytes. */
    static ByteBuffer block(long k) {
        SplittableRandom r = new SplittableRandom(k);
        byte[] b = new byte[100 + (int) (k % 200)];
        r.nextBytes(b);
        ByteBuffer.wrap(b).putLong(0, k);
        return ByteBuffer.wrap(b);
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    static long indexArrayBytes(BlockStore store) throws ReflectiveOperationException {
        Method m = store.getClass().getDeclaredMethod("indexArrayBytes");
        m.setAccessible(true);
        return (long) m.invoke(store);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int blocks = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 2_000_000;
        boolean crash = List.of(args).contains("--crash");
        int threads = 128; // enough concurrent puts that group commit amortizes the fsyncs

        long heapBefore = usedHeapAfterGc();
        BlockStore store = BlockStores.open(StoreConfig.of(dir));
        long heapEmpty = usedHeapAfterGc();
        long start = System.nanoTime();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            writers.add(Thread.ofPlatform().start(() -> {
                for (long k = first; k < blocks; k += threads) {
                    ByteBuffer b = block(k);
                    store.put(Address.of(b), b, Lease.NEVER);
                }
            }));
        }
        for (Thread w : writers) {
            w.join();
        }
        double fillSeconds = (System.nanoTime() - start) / 1e9;
        long heapFull = usedHeapAfterGc();
        long arrays = indexArrayBytes(store);
        System.out.printf("blocks=%d fill=%.1fs (%.0f puts/s, %d writer threads)%n", store.blockCount(), fillSeconds, blocks / fillSeconds, threads);
        System.out.printf("heap: before open %d B, empty store %d B, full store %d B%n", heapBefore, heapEmpty, heapFull);
        System.out.printf("heap delta per block (fill): %.1f B%n", (double) (heapFull - heapEmpty) / blocks);
        System.out.printf("index arrays exact: %d B = %.1f B per block%n", arrays, (double) arrays / blocks);
        System.out.printf("space: %s%n", store.space());
        if (crash) {
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        store.close();
    }
}
