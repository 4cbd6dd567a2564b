package io.cairn.node.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * This node's throughput, one sample a second for the last {@link #SECONDS} seconds (issue #9's
 * chart). A sampler calls {@link #sample} once a second with the node's running totals; the
 * history keeps the differences. Gaps (a late tick) are spread over the seconds they cover, so a
 * rate never spikes because a tick was late. Thread-safe; the hot path never touches it.
 */
final class ThroughputHistory {
    static final int SECONDS = 300;

    /** What happened in one second. */
    record Sample(long epochSecond, long requests, long bytesIn, long bytesOut) {}

    private final Sample[] ring = new Sample[SECONDS];
    private int next;
    private int size;
    private long lastSecond = Long.MIN_VALUE;
    private long lastRequests;
    private long lastIn;
    private long lastOut;

    /** Records the totals seen at {@code epochSecond}; the first call only sets the baseline. */
    synchronized void sample(long epochSecond, long requestsTotal, long bytesInTotal, long bytesOutTotal) {
        if (lastSecond != Long.MIN_VALUE && epochSecond > lastSecond) {
            long gap = Math.min(epochSecond - lastSecond, SECONDS);
            long r = (requestsTotal - lastRequests) / gap;
            long in = (bytesInTotal - lastIn) / gap;
            long out = (bytesOutTotal - lastOut) / gap;
            for (long s = epochSecond - gap + 1; s <= epochSecond; s++) {
                add(new Sample(s, r, in, out));
            }
        } else if (lastSecond != Long.MIN_VALUE) {
            return; // same second again: wait for the next one
        }
        lastSecond = epochSecond;
        lastRequests = requestsTotal;
        lastIn = bytesInTotal;
        lastOut = bytesOutTotal;
    }

    private void add(Sample s) {
        ring[next] = s;
        next = (next + 1) % SECONDS;
        size = Math.min(size + 1, SECONDS);
    }

    /** Oldest first. */
    synchronized List<Sample> samples() {
        List<Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[Math.floorMod(next - size + i, SECONDS)]);
        }
        return out;
    }
}
