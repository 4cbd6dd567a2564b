package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.FileDownloader;
import io.cairn.client.HttpCall;
import io.cairn.client.JettyTransport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.Manifest;
import io.cairn.core.NodeInfo;
import io.cairn.node.CairnNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn demo}: the promise of SPEC §2, §3.2 and §5 in one command. Starts a throw-away
 * cluster of five nodes on free ports in a temp directory (node 0 also the distribute service),
 * stores a seeded random file, stops the node that holds the most of its chunks, reads the file
 * back verified, then watches the cluster heal: the distribute service sees the node die and
 * copies its blocks until every block is again on its 3 closest alive nodes, which the demo
 * checks by asking those nodes. Exit 0 only if the bytes read back are the bytes stored and the
 * cluster healed within {@link #HEAL_BOUND}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Start a throw-away cluster, store a file, stop a node, read it back.")
final class DemoCommand implements Callable<Integer> {
    static final int NODES = 5;
    static final Duration HEAL_BOUND = Duration.ofSeconds(60);
    /** Quick health checks so that the demo shows a death within a second or two. */
    static final io.cairn.node.DistributeConfig HEALING = io.cairn.node.DistributeConfig.DEFAULTS
            .withHealth(Duration.ofMillis(250), 3);

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", defaultValue = "4MiB", converter = Sizes.class, paramLabel = "SIZE",
            description = "size of the generated file (default: ${DEFAULT-VALUE})")
    long size;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "seed of the generated file's bytes (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--keep", description = "keep the temp directory (its path is printed)")
    boolean keep;

    private PrintWriter out;
    private int step;

    @Override
    public Integer call() throws Exception {
        if (size < 1 || size > (1L << 30)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be 1 byte to 1GiB");
        }
        out = main.out();
        if (!main.verbose) {
            // The steps below tell the story; the nodes' own start/stop lines would only interleave.
            Main.setLogLevel("io.cairn.node", ch.qos.logback.classic.Level.WARN);
        }
        Path root = Files.createTempDirectory("cairn-demo-");
        String key = ClusterKeys.readOrCreate(root.resolve(ClusterKeys.FILE_NAME));
        LocalCluster cluster = null;
        try (JettyTransport transport = new JettyTransport(key)) {
            say("starting %d nodes on free ports in %s", NODES, root);
            long t0 = System.nanoTime();
            cluster = LocalCluster.start("127.0.0.1", 0, root.resolve("nodes"), NODES, key, HEALING);
            for (int i = 0; i < NODES; i++) {
                CairnNode n = cluster.node(i);
                detail("node %d  %s  id %s", i, n.url(), n.id().shortHex());
            }
            if (!cluster.awaitAlive(transport, NODES, Duration.ofSeconds(20))) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "the nodes did not all see each other within 20 s");
            }
            detail("all %d nodes alive in node 0's list after %s", NODES, since(t0));

            Path original = root.resolve("original.bin");
            byte[] originalSha = generate(original, size, seed);
            say("generated %s of seeded random bytes (seed %d), SHA-256 %s", Sizes.human(size), seed,
                    Hex.encode(originalSha).substring(0, 16) + "...");

            try (CairnClient client = CairnClient.builder().node(cluster.node(0).url()).transport(transport)
                    .nodeListMaxAge(Duration.ZERO).build()) {
                long t1 = System.nanoTime();
                Address address;
                try (Progress progress = new Progress("put", main.terminal, main.stderr)) {
                    address = client.put(original, progress);
                }
                Manifest manifest = client.stat(address).manifest();
                say("stored it as %s", address.hex());
                detail("%d chunks of %s, 3 replicas each, acknowledged at 2 of 3, in %s (%s)",
                        manifest.chunks().size(), Sizes.human(manifest.chunkSize()), since(t1), rate(size, t1));

                // The node that is a replica of the most chunks, and proof that it really holds them.
                Map<NodeInfo, Integer> share = new HashMap<>();
                for (Manifest.Chunk c : manifest.chunks()) {
                    client.replicasOf(c.id()).forEach(n -> share.merge(n, 1, Integer::sum));
                }
                NodeInfo victim = share.entrySet().stream().max(Map.Entry.<NodeInfo, Integer>comparingByValue()
                        .thenComparing(e -> e.getKey().url().toString())).orElseThrow().getKey();
                int victimIndex = indexOf(cluster, victim);
                long held = manifest.chunks().stream().filter(c -> holds(transport, victim, c.id())).count();
                if (held == 0) {
                    throw new CairnException(ErrorCode.INTERNAL, "node " + victimIndex + " holds none of the chunks");
                }
                say("stopping node %d (%s), which holds %d of the %d chunks", victimIndex, victim.url(), held,
                        manifest.chunks().size());
                cluster.stop(victimIndex);

                long t2 = System.nanoTime();
                Path copy = root.resolve("read-back.bin");
                FileDownloader.Fetched fetched;
                try (Progress progress = new Progress("get", main.terminal, main.stderr)) {
                    fetched = client.get(address, copy, progress);
                }
                byte[] copySha = sha256(copy);
                if (!MessageDigest.isEqual(originalSha, copySha) || Files.size(copy) != size || !fetched.isFile()) {
                    throw new CairnException(ErrorCode.HASH_MISMATCH, "the file read back differs from the one stored");
                }
                say("read it back with node %d down in %s (%s): every chunk and the whole file verified", victimIndex,
                        since(t2), rate(size, t2));
                detail("SHA-256 %s matches", Hex.encode(copySha).substring(0, 16) + "...");

                List<Address> blocks = new java.util.ArrayList<>();
                blocks.add(address);
                manifest.chunks().forEach(c -> blocks.add(c.id()));
                heal(transport, cluster, victimIndex, blocks, t2);
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (keep) {
                say("kept %s", root);
            } else {
                deleteTree(root);
            }
        }
        say("demo passed; cluster stopped%s", keep ? "" : " and its temp directory removed");
        return Main.EXIT_OK;
    }

    /** Watches the distribute service repair, then checks placement by asking the nodes themselves. */
    private void heal(JettyTransport transport, LocalCluster cluster, int victim, List<Address> blocks, long since)
            throws InterruptedException {
        java.net.URI service = cluster.node(0).url();
        say("the distribute service (node 0) checks every node's health; it re-replicates node %d's blocks", victim);
        List<CairnNode> alive = new java.util.ArrayList<>(cluster.nodes());
        alive.remove(victim);
        long deadline = System.nanoTime() + HEAL_BOUND.toNanos();
        String lastLine = "";
        while (true) {
            tools.jackson.databind.JsonNode s = status(transport, service);
            String victimState = "?";
            for (tools.jackson.databind.JsonNode n : s.get("nodes")) {
                if (n.get("id").stringValue().equals(cluster.node(victim).id().hex())) {
                    victimState = n.get("state").stringValue();
                }
            }
            String line = String.format(Locale.ROOT, "node %d is %s; repair %s, %d copies made, %d blocks under-replicated",
                    victim, victimState, s.get("repairState").stringValue(), s.get("copiesDone").longValue(),
                    s.get("underReplicated").longValue());
            if (!line.equals(lastLine)) {
                detail("%s (%s)", line, since(since));
                lastLine = line;
            }
            if (victimState.equals("dead") && misplaced(transport, alive, blocks) == 0) {
                say("healed %s after node %d stopped: every one of the %d blocks is again on its 3 closest alive"
                        + " nodes (asked each of them)", since(since), victim, blocks.size());
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "the cluster did not heal within " + HEAL_BOUND.toSeconds()
                        + " s; " + misplaced(transport, alive, blocks) + " blocks still misplaced");
            }
            Thread.sleep(250);
        }
    }

    private static tools.jackson.databind.JsonNode status(JettyTransport transport, java.net.URI service) {
        HttpCall call = HttpCall.get(service.resolve("/distribute/status")).withTimeout(Duration.ofSeconds(5));
        return io.cairn.core.Json.MAPPER.readTree(transport.exchange(call).join().body());
    }

    /** How many blocks are not held by all of their 3 closest alive nodes, asking those nodes. */
    private static int misplaced(JettyTransport transport, List<CairnNode> alive, List<Address> blocks) {
        int wrong = 0;
        for (Address a : blocks) {
            List<CairnNode> top = io.cairn.core.Placement.closest(a, alive, 3, CairnNode::id);
            for (CairnNode n : top) {
                HttpCall head = new HttpCall("HEAD", n.url().resolve("/blocks/" + a.hex()), Map.of(), null,
                        Duration.ofSeconds(10), false);
                if (transport.exchange(head).join().status() != 200) {
                    wrong++;
                    break;
                }
            }
        }
        return wrong;
    }

    private void say(String format, Object... args) {
        out.printf(Locale.ROOT, "%d. " + format + "%n", prepend(++step, args));
        out.flush();
    }

    private void detail(String format, Object... args) {
        out.printf(Locale.ROOT, "   " + format + "%n", args);
        out.flush();
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static int indexOf(LocalCluster cluster, NodeInfo node) {
        List<CairnNode> nodes = cluster.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id().equals(node.id())) {
                return i;
            }
        }
        throw new IllegalStateException("node " + node.id().shortHex() + " is not one of the demo's nodes");
    }

    private static boolean holds(JettyTransport transport, NodeInfo node, Address address) {
        HttpCall head = new HttpCall("HEAD", node.url().resolve("/blocks/" + address.hex()), Map.of(), null,
                Duration.ofSeconds(10), false);
        return transport.exchange(head).join().status() == 200;
    }

    static byte[] generate(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = Address.sha256();
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                random.nextBytes(buffer);
                o.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                left -= n;
            }
        }
        return sha.digest();
    }

    static byte[] sha256(Path file) throws IOException {
        MessageDigest sha = Address.sha256();
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }

    private static String since(long startNanos) {
        return String.format(Locale.ROOT, "%.2f s", (System.nanoTime() - startNanos) / 1e9);
    }

    private static String rate(long bytes, long startNanos) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        return Sizes.human((long) (bytes / seconds)) + "/s";
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
