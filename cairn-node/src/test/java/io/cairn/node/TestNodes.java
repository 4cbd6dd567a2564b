package io.cairn.node;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Node configs for tests: ephemeral ports on 127.0.0.1 and fast gossip. */
public final class TestNodes {
    public static final String KEY = "test-cluster-key";
    public static final Duration INTERVAL = Duration.ofMillis(100);
    public static final Duration SUSPECT = Duration.ofMillis(600);
    public static final Duration DEAD = Duration.ofMillis(1500);

    private TestNodes() {}

    public static NodeConfig config(Path dir, List<URI> join) {
        return NodeConfig.storage(0, dir, join, KEY).withGossip(INTERVAL, SUSPECT, DEAD);
    }

    public static CairnNode start(Path dir, URI... join) {
        return CairnNode.start(config(dir, List.of(join)));
    }
}
