package io.cairn.bench.store;

import io.cairn.core.Address;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockStores;
import io.cairn.store.StoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times {@link BlockStores#open} of a store filled by {@link IndexHeapMeasurement} (node start),
 * in a fresh JVM; then checks a sample of blocks reads back, reports the heap the opened store
 * holds per block, and with {@code --delete} removes the store's directory.
 *
 * <pre>java -Xmx1g -cp cairn-bench/target/cairn-benchmarks.jar io.cairn.bench.store.StartTimeMeasurement DIR [--delete]</pre>
 */
public final class StartTimeMeasurement {
    private StartTimeMeasurement() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long heapBefore = IndexHeapMeasurement.usedHeapAfterGc();
        long start = System.nanoTime();
        BlockStore store = BlockStores.open(StoreConfig.of(dir));
        double openSeconds = (System.nanoTime() - start) / 1e9;
        long blocks = store.blockCount();
        System.out.printf("open: %.2f s for %d blocks (%.1f MB on disk)%n", openSeconds, blocks, Files2.sizeOfTree(dir) / 1e6);
        long heapAfter = IndexHeapMeasurement.usedHeapAfterGc();
        System.out.printf("heap after open per block: %.1f B (index arrays exact %.1f B)%n",
                (double) (heapAfter - heapBefore) / blocks, (double) IndexHeapMeasurement.indexArrayBytes(store) / blocks);
        SplittableRandom pick = new SplittableRandom(1);
        int missing = 0;
        for (int i = 0; i < 10_000; i++) {
            ByteBuffer b = IndexHeapMeasurement.block(pick.nextLong(blocks));
            if (!store.read(Address.of(b)).map(b::equals).orElse(false)) {
                missing++;
            }
        }
        System.out.printf("sample of 10000 reads: %d missing or wrong%n", missing);
        store.close();
        if (List.of(args).contains("--delete")) {
            Files2.deleteTree(dir);
            System.out.println("deleted " + dir);
        }
    }
}
