package io.cairn.cli;

import com.sun.net.httpserver.HttpServer;
import io.cairn.core.Hex;
import io.cairn.core.hummel.IndexCodec;
import io.cairn.core.hummel.IndexEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The training run behind the launcher's AOT cache (JDK 25, JEP 483/515; DECISIONS 82). The
 * launcher runs {@code java -XX:AOTCacheOutput=cairn.aot -cp cairn.jar io.cairn.cli.AotTraining}
 * once per built jar; later commands start with {@code -XX:AOTCache=cairn.aot}, so the classes
 * this run loaded come already parsed and linked, and the methods it ran hot come with their
 * profiles, which lets the JIT compile them sooner.
 *
 * <p>What it runs is what a short command needs to start fast: {@code cairn sync} twice (a first
 * sync and a nothing-changed one) through {@link Main}, against a master faked on 127.0.0.1 by
 * the JDK's HTTP server (a few hundred small files, half of them compressible), plus the version
 * and a usage text; then {@code cairn put} and {@code get} of a 10 MiB file against three nodes
 * started in this JVM on ephemeral loopback ports. It writes only under a temp directory it
 * deletes, and prints nothing.
 */
public final class AotTraining {
    static final int FILES = 240;
    static final long SEED = 79;
    /** Where the commands' messages go: the training prints nothing. */
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    /** Chunks of the file put and read back: enough for batches of writes and reads to form. */
    static final int PUT_CHUNKS = 160;

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cairn-aot-training");
        try {
            run(dir);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.exit(0);
    }

    static void run(Path dir) throws Exception {
        Map<String, byte[]> archives = new HashMap<>();
        List<IndexEntry> entries = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] words = "cairn hummel sync archive slave master index block chunk ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < FILES; i++) {
            byte[] content = new byte[1024 + random.nextInt(96 * 1024)];
            if (i % 2 == 0) {
                random.nextBytes(content);
            } else {
                for (int j = 0; j < content.length; j++) {
                    content[j] = words[(j + i) % words.length];
                }
            }
            String hash = Hex.encode(MessageDigest.getInstance("SHA-256").digest(content));
            byte[] gz = gzip(content);
            archives.put(hash, gz);
            entries.add(new IndexEntry("d" + (i % 7) + "/f" + i, content.length, 1_700_000_000_000L + i, 0644, hash, gz.length));
        }
        byte[] index = IndexCodec.encode(1, entries);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String self = "http://127.0.0.1:%d";
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            int status = 200;
            if (p.equals("/index")) {
                body = index;
            } else if (p.equals("/locate")) {
                StringBuilder b = new StringBuilder("{");
                String url = self.formatted(server.getAddress().getPort());
                for (String h : archives.keySet()) {
                    b.append(b.length() > 1 ? "," : "").append('"').append(h).append("\":[\"").append(url).append("\"]");
                }
                body = b.append('}').toString().getBytes(StandardCharsets.UTF_8);
            } else if (p.startsWith("/hummel/") && p.endsWith(".gz") && archives.containsKey(p.substring(8, p.length() - 3))) {
                body = archives.get(p.substring(8, p.length() - 3));
            } else if (!p.equals("/clients/hashes")) {
                status = 404;
            }
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String master = self.formatted(server.getAddress().getPort());
            Path target = dir.resolve("target");
            for (String[] args : List.of(new String[] {"--version"}, new String[] {"sync", "--help"},
                    new String[] {"sync", "--master", master, "--to", target.toString()},
                    new String[] {"sync", "--master", master, "--to", target.toString(), "--delete"})) {
                Main.run(args, java.io.InputStream.nullInputStream(), OutputStream.nullOutputStream(), QUIET, false);
            }
        } finally {
            server.stop(0);
        }
        putAndGet(dir, random);
    }

    /**
     * {@code cairn put} and {@code cairn get} (to a file and to standard output) of a file of
     * {@link #PUT_CHUNKS} chunks against three nodes started in this JVM: the client's paths
     * (chunking, write batches, read batches, the Jetty client) come into the cache with their
     * profiles. Without them a 1 GiB get spent ~0.15 s more starting (docs/BENCHMARKS.md).
     */
    static void putAndGet(Path dir, SplittableRandom random) throws IOException {
        byte[] content = new byte[PUT_CHUNKS * 64 * 1024 + 123];
        random.nextBytes(content);
        Path file = dir.resolve("put.bin");
        Files.write(file, content);
        try (LocalCluster cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("cluster"), 3, null);
             io.cairn.client.JettyTransport transport = new io.cairn.client.JettyTransport(null)) {
            if (!cluster.awaitAlive(transport, 3, java.time.Duration.ofSeconds(20))) {
                return; // a training run that cannot reach its nodes trains less; it never fails the launcher
            }
            String node = cluster.node(0).url().toString();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            if (Main.run(new String[] {"put", file.toString(), "--node", node}, java.io.InputStream.nullInputStream(),
                    printed, QUIET, false) != Main.EXIT_OK) {
                return;
            }
            String address = printed.toString(StandardCharsets.UTF_8).strip();
            for (String[] args : List.of(new String[] {"get", address, "--node", node, "-o", dir.resolve("got.bin").toString()},
                    new String[] {"get", address, "--node", node, "-o", "-"})) {
                Main.run(args, java.io.InputStream.nullInputStream(), OutputStream.nullOutputStream(), QUIET, false);
            }
        }
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }
}
