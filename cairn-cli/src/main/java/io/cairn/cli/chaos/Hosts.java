package io.cairn.cli.chaos;

import java.util.List;

/**
 * Where the nodes of a chaos run live and how their network is cut: {@link NetnsHosts} gives each
 * node its own network namespace and address (a real partition is a link taken down), while
 * {@link LoopbackHosts} keeps every node on 127.0.0.1 and stands in for network faults with
 * process signals. The run prints {@link #note()} so that nobody mistakes one for the other.
 */
interface Hosts extends AutoCloseable {
    /** The address node {@code node} binds and advertises. */
    String address(int node);

    /** The port node {@code node} listens on (fixed for the run, so a restart comes back at the same URL). */
    int port(int node);

    /** The command that starts node {@code node}: {@code command} itself, or wrapped to run inside its host. */
    List<String> wrap(int node, List<String> command);

    /** Cuts the node off from every other node and from the workload. */
    void partition(int node, ProcessHandle process);

    void heal(int node, ProcessHandle process);

    /** Slows the node's traffic by about {@code delayMs}. */
    void slow(int node, ProcessHandle process, long delayMs);

    void unslow(int node, ProcessHandle process);

    /** One line for the run's output: what a partition and a slow link really are here. */
    String note();

    @Override
    void close();

    /** Sends a POSIX signal by pid (SIGSTOP/SIGCONT have no ProcessHandle method). Bounded to 5 s. */
    static void signal(ProcessHandle process, String signal) {
        if (process == null || !process.isAlive()) {
            return;
        }
        Shell.run(5, "kill", "-" + signal, Long.toString(process.pid()));
    }
}
