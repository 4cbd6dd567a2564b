package io.cairn.node.membership;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each duplicate-ID conflict once, not once per gossip round; bounded memory. */
final class ConflictLog {
    private static final Logger log = LoggerFactory.getLogger(ConflictLog.class);
    private static final int MAX_REMEMBERED = 1000;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    void report(Membership.Conflict c, String context) {
        String key = c.id() + " " + c.claimedUrl();
        if (seen.size() >= MAX_REMEMBERED) {
            seen.clear();
        }
        if (seen.add(key)) {
            log.error("refused node {} at {}: that ID is already in the cluster at {} ({}); "
                    + "two nodes must never share an ID — give one of them a fresh data directory",
                    c.id().shortHex(), c.claimedUrl(), c.knownUrl(), context);
        }
    }
}
