package io.cairn.cli.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run's real node processes: node i is {@code <launcher> node --port .. --data <root>/node-i}
 * inside its host (see {@link Hosts}), its output appended to {@code <root>/node-i.log}. Node 0
 * also runs the distribute service. Kill -9 is {@link Process#destroyForcibly()} (SIGKILL),
 * a graceful stop {@link Process#destroy()} (SIGTERM, the node's shutdown hook closes it).
 */
final class NodeProcesses implements AutoCloseable {
    static final long STOP_WAIT_MS = 30_000;
    static final List<String> NODE_JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED");

    private final List<String> launcher;
    private final Path root;
    private final Hosts hosts;
    private final Path keyFile;
    private final Process[] processes;

    NodeProcesses(List<String> launcher, Path root, Hosts hosts, Path keyFile, int nodes) {
        this.launcher = List.copyOf(launcher);
        this.root = root;
        this.hosts = hosts;
        this.keyFile = keyFile;
        this.processes = new Process[nodes];
    }

    int size() {
        return processes.length;
    }

    URI url(int node) {
        return URI.create("http://" + hosts.address(node) + ":" + hosts.port(node));
    }

    Path dataDir(int node) {
        return root.resolve("node-" + node);
    }

    /** Starts node {@code node}; {@code capacityBytes} 0 = its disk, {@code skewMs} its wall clock's offset. */
    synchronized void start(int node, long capacityBytes, long skewMs) {
        if (running(node)) {
            return;
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("node", "--host", hosts.address(node), "--port", Integer.toString(hosts.port(node)),
                "--data", dataDir(node).toString(), "--cluster-key-file", keyFile.toString(),
                "--roles", "storage,directory,apidrive", "--distribute-url", url(0).toString(),
                "--scrub-rate", "32MiB", "--drive-stores-per-minute", "0", "--drive-retrieves-per-minute", "0"));
        if (node == 0) {
            cmd.add("--distribute");
        }
        for (int peer = 0; peer < processes.length; peer++) {
            if (peer != node) {
                cmd.addAll(List.of("--join", url(peer).toString())); // any peer that is up lets it back in
            }
        }
        if (capacityBytes > 0) {
            cmd.addAll(List.of("--capacity", Long.toString(capacityBytes)));
        }
        if (skewMs != 0) {
            cmd.add("--clock-skew-ms=" + skewMs);
        }
        try {
            Files.createDirectories(dataDir(node));
            Path log = root.resolve("node-" + node + ".log");
            Files.writeString(log, "---- start " + String.join(" ", cmd) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            processes[node] = new ProcessBuilder(hosts.wrap(node, cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + node, e);
        }
    }

    synchronized boolean running(int node) {
        return processes[node] != null && processes[node].isAlive();
    }

    synchronized ProcessHandle handle(int node) {
        return processes[node] == null ? null : processes[node].toHandle();
    }

    /** SIGKILL, and wait (bounded) until the process is gone so its data directory lock is free. */
    synchronized void kill9(int node) {
        Process p = processes[node];
        if (p != null) {
            Hosts.signal(p.toHandle(), "CONT"); // a stopped process dies on SIGKILL too, but be explicit
            p.destroyForcibly();
            waitFor(p, STOP_WAIT_MS);
        }
    }

    /** SIGTERM; after {@link #STOP_WAIT_MS} without exit, SIGKILL. Answers whether it stopped by itself. */
    synchronized boolean stop(int node) {
        Process p = processes[node];
        if (p == null) {
            return true;
        }
        Hosts.signal(p.toHandle(), "CONT");
        p.destroy();
        if (waitFor(p, STOP_WAIT_MS)) {
            return true;
        }
        p.destroyForcibly();
        waitFor(p, STOP_WAIT_MS);
        return false;
    }

    private static boolean waitFor(Process p, long ms) {
        try {
            return p.waitFor(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.length; i++) {
            stop(i);
        }
    }
}
