package io.cairn.core.names;

import io.cairn.core.NodeId;

/**
 * The version of a directory entry: when it was written, on a {@link HybridLogicalClock}, and by
 * which node. Versions are totally ordered so that replicas resolve concurrent writes the same
 * way everywhere, without talking (last writer wins):
 *
 * <table>
 *   <caption>order, most significant first</caption>
 *   <tr><th>#</th><th>compare</th><th>larger wins</th></tr>
 *   <tr><td>1</td><td>{@code time.physicalMs}</td><td>the later write</td></tr>
 *   <tr><td>2</td><td>{@code time.logical}</td><td>the causally later write within a millisecond</td></tr>
 *   <tr><td>3</td><td>{@code writer}, 32 bytes read unsigned big-endian</td><td>an arbitrary but fixed
 *       choice between truly concurrent writes</td></tr>
 * </table>
 *
 * Two writes by one node never share a version, because that node's clock strictly increases.
 *
 * @param time   the writer's HLC reading
 * @param writer the node that made the write
 */
public record Version(HlcTime time, NodeId writer) implements Comparable<Version> {
    public Version {
        if (time == null || writer == null) {
            throw new IllegalArgumentException("a version needs a time and a writer");
        }
    }

    public long physicalMs() {
        return time.physicalMs();
    }

    public int logical() {
        return time.logical();
    }

    @Override
    public int compareTo(Version other) {
        int c = time.compareTo(other.time);
        return c != 0 ? c : writer.compareTo(other.writer);
    }

    /** True when this version wins over {@code other}. */
    public boolean isAfter(Version other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return time + "@" + writer.shortHex();
    }
}
