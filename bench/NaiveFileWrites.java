import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The naive baseline of issue #8 (and of StorePutBenchmark's naiveFilePerBlock): THREADS writers
 * each write a 64 KiB temp file, fsync it, rename it to its final name; one copy, no hash, no
 * directory fsync. Runs until COUNT files or SECONDS, whichever first; prints files/s and MB/s.
 * Run with the JDK's source launcher: {@code java bench/NaiveFileWrites.java DIR COUNT THREADS SECONDS [SIZE]}.
 */
public final class NaiveFileWrites {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        long count = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + (long) (Double.parseDouble(args[3]) * 1e9);
        int size = args.length > 4 ? Integer.parseInt(args[4]) : 65536;
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                byte[] block = new byte[size];
                new SplittableRandom(id).nextBytes(block);
                for (long i; (i = next.getAndIncrement()) < count && System.nanoTime() < deadline; ) {
                    ByteBuffer.wrap(block).putLong(0, i);
                    Path tmp = dir.resolve(i + ".tmp");
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        ByteBuffer b = ByteBuffer.wrap(block);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        ch.force(true);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    try {
                        Files.move(tmp, dir.resolve(Long.toString(i)), StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "naive: %d files of %d B in %.2f s = %.1f files/s, %.1f MB/s%n",
                done.get(), size, seconds, done.get() / seconds, done.get() * (double) size / seconds / 1e6);
    }
}
