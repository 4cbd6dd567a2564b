package io.cairn.bench.memcache;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small memcache text-protocol load generator (the stand-in for memtier_benchmark, which
 * Debian does not package): {@code C} connections, each on its own thread, one request in flight
 * per connection (memtier's default pipeline of 1), keys {@code <prefix><i>} for i in
 * [0, keys), chosen by a seeded random generator per connection.
 *
 * <pre>
 * MemcacheLoad HOST PORT load  KEYS VALUE_BYTES PREFIX            # set every key once
 * MemcacheLoad HOST PORT get   KEYS CONNECTIONS SECONDS PREFIX    # timed gets, prints gets/s
 * </pre>
 * Every get must hit (VALUE ... END); a miss or an error stops the run with a message.
 */
public final class MemcacheLoad {
    private MemcacheLoad() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        switch (args[2]) {
            case "load" -> load(host, port, Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            case "get" -> get(host, port, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), args[6]);
            default -> throw new IllegalArgumentException("mode is load or get");
        }
    }

    static void load(String host, int port, int keys, int valueBytes, String prefix) throws IOException {
        byte[] value = new byte[valueBytes];
        new SplittableRandom(42).nextBytes(value);
        try (Socket s = new Socket(host, port)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < keys; i++) {
                out.write(("set " + prefix + i + " 0 0 " + valueBytes + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(value);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = line(in);
                if (!reply.equals("STORED")) {
                    throw new IllegalStateException("set " + prefix + i + ": " + reply);
                }
            }
        }
        System.out.println("loaded " + keys + " keys of " + valueBytes + " bytes");
    }

    static void get(String host, int port, int keys, int connections, int seconds, String prefix) throws Exception {
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < connections; c++) {
            long seed = 1000 + c;
            threads.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try (Socket s = new Socket(host, port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = new BufferedOutputStream(s.getOutputStream());
                    InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                    while (!stop.get()) {
                        out.write(("get " + prefix + random.nextInt(keys) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        String head = line(in);
                        if (!head.startsWith("VALUE ")) {
                            throw new IllegalStateException("expected a hit, got: " + head);
                        }
                        int bytes = Integer.parseInt(head.substring(head.lastIndexOf(' ') + 1));
                        in.readNBytes(bytes + 2);
                        String end = line(in);
                        if (!end.equals("END")) {
                            throw new IllegalStateException("expected END, got: " + end);
                        }
                        done.increment();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        long warmupMs = 2000;
        Thread.sleep(warmupMs); // a timed run: the load generator's clock, not a test wait
        long start = System.nanoTime();
        long before = done.sum();
        Thread.sleep(seconds * 1000L);
        long count = done.sum() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("run failed: " + failures.getFirst(), failures.getFirst());
        }
        System.out.printf("%d connections, %d keys: %.0f gets/s (%d gets in %.1f s after %d ms warm-up)%n",
                connections, keys, count / elapsed, count, elapsed, warmupMs);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        if (b < 0) {
            throw new IOException("connection closed");
        }
        return sb.toString();
    }
}
