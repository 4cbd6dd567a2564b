package io.cairn.cli.chaos;

/**
 * The faults a chaos run injects (issue #10). Each names what the executor really does; where
 * a fault is an approximation (no netns: a paused process stands in for a partition), the
 * executor's {@link Hosts} says so in the run's output.
 */
public enum FaultKind {
    /** SIGKILL the node's process; restart it on the same data after the fault's duration. */
    KILL9,
    /** SIGTERM (graceful stop through the shutdown hook); restart after the duration. */
    STOP,
    /** Cut one or two nodes off from everyone (netns: link down; loopback: SIGSTOP). */
    PARTITION,
    /** Slow the node's link (netns: netem delay; loopback: SIGSTOP/SIGCONT duty cycle). */
    SLOW,
    /** Restart the node with a capacity just above what it holds, so it answers 507; restart normally after. */
    DISK_FULL,
    /** Flip bytes in one of the node's segment files while it runs (instant). */
    CORRUPT,
    /** Restart the node with its wall clock skewed by the fault's parameter (ms); restart unskewed after. */
    CLOCK_SKEW,
    /** SIGKILL node 0, the distribute service; restart after the duration. */
    KILL_DISTRIBUTE;

    /** Faults that take the node(s) away for a while; at most two nodes are so affected at once. */
    boolean instant() {
        return this == CORRUPT;
    }
}
