package io.cairn.node.directory;

import static org.awaitility.Awaitility.await;

import io.cairn.core.NodeId;
import io.cairn.core.NodeInfoCodec;
import io.cairn.core.names.HashRing;
import io.cairn.core.names.Name;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import io.cairn.node.NodeConfig;
import io.cairn.node.TestNodes;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** In-process nodes with fast directory rounds and memcache on a free port, for the directory's tests. */
final class DirectoryNodes implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final DirectorySettings FAST = DirectorySettings.DEFAULTS
            .withIntervals(Duration.ofMillis(300), Duration.ofHours(1))
            .withMemcachePort(0);

    final List<CairnNode> nodes = new ArrayList<>();

    static DirectoryNodes start(Path dir, int n) {
        DirectoryNodes d = new DirectoryNodes();
        try {
            for (int i = 0; i < n; i++) {
                List<URI> join = i == 0 ? List.of() : List.of(d.nodes.getFirst().url());
                NodeConfig c = TestNodes.config(dir.resolve("n" + i), join).withDirectory(FAST);
                d.nodes.add(CairnNode.start(c));
            }
            d.awaitAlive(n);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** Waits until every running node sees {@code count} alive nodes and its ring is settled. */
    void awaitAlive(int count) {
        for (CairnNode node : nodes) {
            if (node == null) {
                continue;
            }
            await("node " + node.port() + " sees " + count + " alive and a settled ring").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> NodeInfoCodec.decodeList(Http.get(node.url(), "/nodes").body()).stream()
                            .filter(x -> x.alive()).count() == count && node.directory().settled());
        }
    }

    /** The name's successors among the given (alive) nodes, owner first. */
    List<CairnNode> successors(Name name, List<CairnNode> alive) {
        List<NodeId> ids = alive.stream().map(CairnNode::id).toList();
        List<NodeId> succ = HashRing.of(ids).successors(name, 3);
        return succ.stream().map(id -> alive.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow()).toList();
    }

    List<CairnNode> running() {
        return nodes.stream().filter(n -> n != null).toList();
    }

    void stop(CairnNode node) {
        int i = nodes.indexOf(node);
        node.close();
        nodes.set(i, null);
    }

    @Override
    public void close() {
        for (CairnNode n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }
}
