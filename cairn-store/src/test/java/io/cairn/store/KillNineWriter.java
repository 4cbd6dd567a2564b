package io.cairn.store;

import io.cairn.core.Clock;
import io.cairn.core.Lease;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link KillNineTest}: writes blocks from several threads forever and
 * prints "ack k" once block k's put has returned. Block k is {@link #block}(seed, k).
 */
public final class KillNineWriter {
    static Blocks block(long seed, int k) {
        Random r = new Random(seed * 1_000_003L + k);
        return Blocks.random(r, 100 + r.nextInt(20_000));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int threads = 4;
        PrintStream out = System.out;
        SegmentBlockStore store = SegmentBlockStore.open(new StoreConfig(dir, 0, Clock.SYSTEM), new StoreOptions(256 * 1024, seed, 0.5));
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread.ofPlatform().start(() -> {
                for (int k = first; k < 1_000_000; k += threads) { // bounded: the parent kills it long before
                    Blocks b = block(seed, k);
                    store.put(b.address, b.buffer(), Lease.NEVER);
                    if (k % 7 == 0) {
                        store.delete(b.address);
                    }
                    synchronized (out) {
                        out.println("ack " + k);
                        out.flush();
                    }
                }
            });
        }
    }
}
