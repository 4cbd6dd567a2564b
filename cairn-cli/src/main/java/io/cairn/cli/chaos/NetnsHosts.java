package io.cairn.cli.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Each node in its own network namespace {@code cairn<tag>-<i>} with its own address
 * {@code 10.213.<s>.<i+2>/24} on a veth pair whose outer end sits on a bridge {@code cbr<tag>}
 * (address {@code .1}, so the run's workload reaches the nodes). Nothing in cairn may then rely
 * on 127.0.0.1 or one shared port space. Everything is made by {@link #create} and removed by
 * {@link #close}: namespaces, veths, the bridge; no other address or route is touched.
 *
 * <p>Partition: the node's outer veth is set down (it reaches no one, no one reaches it).
 * Slow link: a token-bucket filter ({@code tc tbf}) on both ends of its veth; netem delay is
 * the better model but is not loadable everywhere (it was not on the machine this was built on).
 */
final class NetnsHosts implements Hosts {
    static final int PORT = 7070;
    private final String tag;
    private final int subnet;
    private final int nodes;

    private NetnsHosts(String tag, int subnet, int nodes) {
        this.tag = tag;
        this.subnet = subnet;
        this.nodes = nodes;
    }

    /** The namespaces for {@code nodes} nodes, or an explanation of why they cannot be made here. */
    static Object create(int nodes) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        long pid = ProcessHandle.current().pid();
        String tag = Long.toString(pid % 10_000);
        int subnet = (int) (20 + pid % 200);
        Shell.Result route = Shell.run(5, "ip", "-4", "route", "show", "10.213." + subnet + ".0/24");
        if (!route.ok()) {
            return "`ip` does not work: " + route.output();
        }
        if (!route.output().isEmpty()) {
            return "10.213." + subnet + ".0/24 is already routed here";
        }
        NetnsHosts hosts = new NetnsHosts(tag, subnet, nodes);
        String failure = hosts.setUp();
        if (failure != null) {
            hosts.close();
            return failure;
        }
        return hosts;
    }

    private String bridge() {
        return "cbr" + tag;
    }

    private String ns(int node) {
        return "cairn" + tag + "-" + node;
    }

    private String outer(int node) {
        return "cv" + tag + "n" + node;
    }

    private String inner(int node) {
        return "cp" + tag + "n" + node;
    }

    private String setUp() {
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"ip", "link", "add", bridge(), "type", "bridge"});
        steps.add(new String[] {"ip", "addr", "add", "10.213." + subnet + ".1/24", "dev", bridge()});
        steps.add(new String[] {"ip", "link", "set", bridge(), "up"});
        for (int i = 0; i < nodes; i++) {
            steps.add(new String[] {"ip", "netns", "add", ns(i)});
            steps.add(new String[] {"ip", "link", "add", outer(i), "type", "veth", "peer", "name", inner(i)});
            steps.add(new String[] {"ip", "link", "set", inner(i), "netns", ns(i)});
            steps.add(new String[] {"ip", "link", "set", outer(i), "master", bridge()});
            steps.add(new String[] {"ip", "link", "set", outer(i), "up"});
            steps.add(new String[] {"ip", "-n", ns(i), "addr", "add", address(i) + "/24", "dev", inner(i)});
            steps.add(new String[] {"ip", "-n", ns(i), "link", "set", inner(i), "up"});
            steps.add(new String[] {"ip", "-n", ns(i), "link", "set", "lo", "up"});
        }
        for (String[] step : steps) {
            Shell.Result r = Shell.run(10, step);
            if (!r.ok()) {
                return String.join(" ", step) + " failed: " + r.output();
            }
        }
        return null;
    }

    @Override
    public String address(int node) {
        return "10.213." + subnet + "." + (node + 2);
    }

    @Override
    public int port(int node) {
        return PORT;
    }

    @Override
    public List<String> wrap(int node, List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns(node))); // execs: the pid is the JVM's
        out.addAll(command);
        return out;
    }

    @Override
    public void partition(int node, ProcessHandle process) {
        Shell.run(10, "ip", "link", "set", outer(node), "down");
    }

    @Override
    public void heal(int node, ProcessHandle process) {
        Shell.run(10, "ip", "link", "set", outer(node), "up");
    }

    @Override
    public void slow(int node, ProcessHandle process, long delayMs) {
        String rate = Math.max(1, 1_000 / delayMs) + "mbit"; // 100 ms → 10 Mbit/s ... 400 ms → 2 Mbit/s
        Shell.run(10, "tc", "qdisc", "replace", "dev", outer(node), "root", "tbf", "rate", rate, "burst", "32kbit",
                "latency", delayMs + "ms");
        Shell.run(10, "ip", "netns", "exec", ns(node), "tc", "qdisc", "replace", "dev", inner(node), "root", "tbf",
                "rate", rate, "burst", "32kbit", "latency", delayMs + "ms");
    }

    @Override
    public void unslow(int node, ProcessHandle process) {
        Shell.run(10, "tc", "qdisc", "del", "dev", outer(node), "root");
        Shell.run(10, "ip", "netns", "exec", ns(node), "tc", "qdisc", "del", "dev", inner(node), "root");
    }

    @Override
    public String note() {
        return "hosts: network namespaces " + ns(0) + ".." + ns(nodes - 1) + " at 10.213." + subnet + ".2.." + (nodes + 1)
                + " on bridge " + bridge() + "; partition = veth down, slow link = tc tbf";
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes; i++) {
            Shell.run(10, "ip", "link", "del", outer(i)); // removes the inner end too
            Shell.run(10, "ip", "netns", "del", ns(i));
        }
        Shell.run(10, "ip", "link", "del", bridge());
    }
}
