package io.cairn.cli.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Carries out a {@link FaultSchedule} on real processes: every fault is injected at its time and
 * undone at its end, one action at a time in time order (an action that runs late delays the ones
 * after it; the timeline shows the real times). {@link #restoreAll()} then brings every node back
 * to its normal configuration, running and reachable.
 */
final class FaultExecutor {
    private record Action(long atMs, Fault fault, boolean inject) {}

    private final NodeProcesses nodes;
    private final Hosts hosts;
    private final Http http;
    private final Consumer<String> event;
    private final Set<Integer> partitioned = new HashSet<>();
    private final Set<Integer> slowed = new HashSet<>();

    FaultExecutor(NodeProcesses nodes, Hosts hosts, Http http, Consumer<String> event) {
        this.nodes = nodes;
        this.hosts = hosts;
        this.http = http;
        this.event = event;
    }

    void carryOut(FaultSchedule schedule, LongSupplier nowMs) throws InterruptedException {
        List<Action> actions = new ArrayList<>();
        for (Fault f : schedule.faults()) {
            actions.add(new Action(f.atMs(), f, true));
            if (!f.kind().instant()) {
                actions.add(new Action(f.endMs(), f, false));
            }
        }
        actions.sort(Comparator.comparingLong(Action::atMs).thenComparing(a -> a.inject() ? 1 : 0)); // undo first on ties
        for (Action a : actions) {
            long wait = a.atMs() - nowMs.getAsLong();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            try {
                if (a.inject()) {
                    inject(a.fault());
                } else {
                    undo(a.fault());
                }
            } catch (RuntimeException e) {
                event.accept("fault #" + a.fault().index() + " could not be carried out: " + e);
            }
        }
    }

    private void inject(Fault f) {
        int n = f.nodes().getFirst();
        String what = "inject " + f.kind() + " on " + f.nodes();
        switch (f.kind()) {
            case KILL9, KILL_DISTRIBUTE -> nodes.kill9(n);
            case STOP -> what += nodes.stop(n) ? " (stopped by itself)" : " (did not stop within 30 s: killed)";
            case PARTITION -> f.nodes().forEach(m -> {
                hosts.partition(m, nodes.handle(m));
                partitioned.add(m);
            });
            case SLOW -> {
                hosts.slow(n, nodes.handle(n), f.param());
                slowed.add(n);
            }
            case DISK_FULL -> {
                long used = Observer.number(new String(http.get(nodes.url(n).resolve("/space")).body(),
                        java.nio.charset.StandardCharsets.UTF_8), "usedBytes");
                long capacity = Math.max(used, 0) + 256 * 1024;
                nodes.kill9(n);
                nodes.start(n, capacity, 0);
                what += " (restarted with --capacity " + capacity + ")";
            }
            case CLOCK_SKEW -> {
                nodes.stop(n);
                nodes.start(n, 0, f.param());
                what += " (restarted with its clock " + f.param() + " ms off)";
            }
            case CORRUPT -> what += " (" + corrupt(n, f.param()) + ")";
        }
        event.accept(what);
    }

    private void undo(Fault f) {
        int n = f.nodes().getFirst();
        switch (f.kind()) {
            case KILL9, KILL_DISTRIBUTE, STOP -> nodes.start(n, 0, 0);
            case PARTITION -> f.nodes().forEach(m -> {
                hosts.heal(m, nodes.handle(m));
                partitioned.remove(m);
            });
            case SLOW -> {
                hosts.unslow(n, nodes.handle(n));
                slowed.remove(n);
            }
            case DISK_FULL, CLOCK_SKEW -> {
                nodes.stop(n);
                nodes.start(n, 0, 0);
            }
            case CORRUPT -> { }
        }
        event.accept("undo   " + f.kind() + " on " + f.nodes());
    }

    /** Flips 16 bytes at a seeded place in one of the node's segment files; says where. */
    private String corrupt(int node, long seed) {
        Random random = new Random(seed);
        List<Path> segments;
        try (Stream<Path> files = Files.walk(nodes.dataDir(node).resolve("blocks"))) {
            segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        } catch (IOException e) {
            return "no segments: " + e.getMessage();
        }
        List<Path> nonEmpty = segments.stream().filter(p -> p.toFile().length() > 64).toList();
        if (nonEmpty.isEmpty()) {
            return "no segment to corrupt yet";
        }
        Path target = nonEmpty.get(random.nextInt(nonEmpty.size()));
        try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            long offset = (long) (random.nextDouble() * (file.length() - 16));
            byte[] b = new byte[16];
            file.seek(offset);
            file.readFully(b);
            for (int i = 0; i < b.length; i++) {
                b[i] ^= (byte) 0x5A;
            }
            file.seek(offset);
            file.write(b);
            return "16 bytes flipped in " + target.getFileName() + " at offset " + offset;
        } catch (IOException e) {
            return "could not corrupt " + target + ": " + e.getMessage();
        }
    }

    /** Every node running with its normal flags, unpaused and reachable. */
    void restoreAll() {
        for (int m : new ArrayList<>(partitioned)) {
            hosts.heal(m, nodes.handle(m));
        }
        for (int m : new ArrayList<>(slowed)) {
            hosts.unslow(m, nodes.handle(m));
        }
        partitioned.clear();
        slowed.clear();
        for (int i = 0; i < nodes.size(); i++) {
            Hosts.signal(nodes.handle(i), "CONT");
            nodes.start(i, 0, 0); // no-op when it runs
        }
    }
}
