package io.cairn.node.hummel;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The master's knowledge of its slaves: what each holds (from its last {@code /slave/hashlist})
 * and when it last sent a heartbeat. Soft state: a restarted master learns it again from the
 * slaves' next hashlist (a heartbeat from a slave it does not know answers {@code known: false}).
 *
 * <p>A slave is <b>live</b> while its last heartbeat (or hashlist) is younger than the timeout;
 * only live slaves are offered by {@code /locate}. Slaves silent for {@link #FORGET_AFTER_TIMEOUTS}
 * timeouts are forgotten. At most {@link #MAX_SLAVES}.
 */
final class SlaveRegistry {
    static final int MAX_SLAVES = 1024;
    static final int FORGET_AFTER_TIMEOUTS = 100;

    record Slave(String id, URI url, Set<String> hashes, long quotaBytes, long lastSeenMs, long firstSeenMs) {}

    private final Map<String, Slave> slaves = new ConcurrentHashMap<>();
    private final long timeoutMs;

    SlaveRegistry(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    void hashlist(String id, URI url, Set<String> hashes, long quotaBytes, long nowMs) {
        forgetSilent(nowMs);
        Slave old = slaves.get(id);
        if (old == null && slaves.size() >= MAX_SLAVES) {
            throw new CairnException(ErrorCode.UNAVAILABLE, "this master already has " + MAX_SLAVES + " slaves");
        }
        slaves.put(id, new Slave(id, url, Set.copyOf(hashes), quotaBytes, nowMs, old == null ? nowMs : old.firstSeenMs()));
    }

    /** False when the slave is unknown here (it should introduce itself again). */
    boolean heartbeat(String id, long nowMs) {
        Slave s = slaves.computeIfPresent(id, (k, v) -> new Slave(v.id(), v.url(), v.hashes(), v.quotaBytes(), nowMs, v.firstSeenMs()));
        return s != null;
    }

    boolean live(Slave s, long nowMs) {
        return nowMs - s.lastSeenMs() <= timeoutMs;
    }

    List<Slave> all() {
        List<Slave> out = new ArrayList<>(slaves.values());
        out.sort(Comparator.comparing(s -> s.url().toString()));
        return out;
    }

    /** For each hash, the URLs of live slaves that hold it, rotated per hash to spread the load. */
    Map<String, List<String>> locate(List<String> hashes, long nowMs) {
        List<Slave> live = all().stream().filter(s -> live(s, nowMs)).toList();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String h : hashes) {
            List<String> urls = new ArrayList<>();
            for (Slave s : live) {
                if (s.hashes().contains(h)) {
                    urls.add(s.url().toString());
                }
            }
            if (urls.size() > 1) {
                java.util.Collections.rotate(urls, Math.floorMod(h.hashCode(), urls.size()));
            }
            out.put(h, urls);
        }
        return out;
    }

    /** Live slaves other than {@code exceptId} holding {@code hash}. */
    List<String> sources(String hash, String exceptId, long nowMs) {
        List<String> out = new ArrayList<>();
        for (Slave s : all()) {
            if (!s.id().equals(exceptId) && live(s, nowMs) && s.hashes().contains(hash)) {
                out.add(s.url().toString());
            }
        }
        return out;
    }

    private void forgetSilent(long nowMs) {
        slaves.values().removeIf(s -> nowMs - s.lastSeenMs() > timeoutMs * FORGET_AFTER_TIMEOUTS);
    }
}
