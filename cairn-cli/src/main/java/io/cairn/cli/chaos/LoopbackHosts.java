package io.cairn.cli.chaos;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every node on 127.0.0.1, each on its own free port. Without separate network stacks a process
 * cannot be cut off from some peers only, so network faults are made with signals: a partition
 * is SIGSTOP (to every peer and client the node then looks exactly as behind a blackholing
 * partition: connections open, nothing answers), a slow link is a SIGSTOP/SIGCONT duty cycle
 * (the node answers, late). What this does not test: the isolated node's own behaviour while cut
 * off, since it does not run. {@link NetnsHosts} does.
 */
final class LoopbackHosts implements Hosts {
    private final int[] ports;
    private final Map<Integer, Thread> slowers = new ConcurrentHashMap<>();

    LoopbackHosts(int[] ports) {
        this.ports = ports.clone();
    }

    @Override
    public String address(int node) {
        return "127.0.0.1";
    }

    @Override
    public int port(int node) {
        return ports[node];
    }

    @Override
    public List<String> wrap(int node, List<String> command) {
        return command;
    }

    @Override
    public void partition(int node, ProcessHandle process) {
        Hosts.signal(process, "STOP");
    }

    @Override
    public void heal(int node, ProcessHandle process) {
        Hosts.signal(process, "CONT");
    }

    @Override
    public void slow(int node, ProcessHandle process, long delayMs) {
        long stopMs = Math.min(delayMs, 500);
        Thread t = Thread.ofVirtual().name("chaos-slow-" + node).start(() -> {
            // bounded by unslow() (interrupt) and by the process's life
            while (!Thread.currentThread().isInterrupted() && process.isAlive()) {
                Hosts.signal(process, "STOP");
                if (!sleep(stopMs)) {
                    break;
                }
                Hosts.signal(process, "CONT");
                if (!sleep(1_000 - stopMs)) {
                    break;
                }
            }
            Hosts.signal(process, "CONT");
        });
        slowers.put(node, t);
    }

    @Override
    public void unslow(int node, ProcessHandle process) {
        Thread t = slowers.remove(node);
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Hosts.signal(process, "CONT");
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String note() {
        return "hosts: loopback (127.0.0.1, one port per node); partition = SIGSTOP of the node, "
                + "slow link = SIGSTOP/SIGCONT duty cycle";
    }

    @Override
    public void close() {
        for (Thread t : slowers.values()) {
            t.interrupt();
        }
    }
}
