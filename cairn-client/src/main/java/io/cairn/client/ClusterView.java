package io.cairn.client;

import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeInfoCodec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's picture of the cluster: the node list as some node answered {@code GET /nodes}
 * (SPEC §3.4). Refreshed on demand ({@link #refresh()}) or when older than a bound
 * ({@link #refreshIfOlderThan}); a refresh asks the seed URLs first and then any node it already
 * knows, so the view survives the loss of the node it was started with.
 *
 * <p>Thread-safe: the list is an immutable snapshot swapped atomically. Decisions over it
 * (placement, quorum) live in {@link Replicas}.
 */
public final class ClusterView {
    private static final Logger log = LoggerFactory.getLogger(ClusterView.class);
    public static final Duration NODES_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;
    private final List<URI> seeds;
    private final Clock clock;
    private volatile List<NodeInfo> nodes = List.of();
    private volatile long refreshedAtNanos;
    private volatile boolean refreshed;

    public ClusterView(Transport transport, List<URI> seeds, Clock clock) {
        this.transport = Objects.requireNonNull(transport);
        this.seeds = List.copyOf(seeds);
        this.clock = clock;
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a cluster view needs at least one node URL");
        }
    }

    /** A fixed view, for tests and for callers that already hold a node list. */
    public static ClusterView fixed(Transport transport, List<NodeInfo> nodes) {
        ClusterView view = new ClusterView(transport,
                nodes.isEmpty() ? List.of(URI.create("http://127.0.0.1:7070")) : nodes.stream().map(NodeInfo::url).toList(),
                Clock.SYSTEM);
        view.nodes = List.copyOf(nodes);
        view.refreshed = true;
        view.refreshedAtNanos = Long.MAX_VALUE / 2; // never stale
        return view;
    }

    /** The first node the view was given (where name requests start). */
    public URI seed() {
        return seeds.getFirst();
    }

    /** The last node list fetched (empty before the first refresh). */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** Alive nodes with the storage role. */
    public List<NodeInfo> aliveStorage() {
        return Replicas.aliveStorage(nodes);
    }

    /** Refreshes when never refreshed or when the list is older than {@code maxAge}. */
    public List<NodeInfo> refreshIfOlderThan(Duration maxAge) {
        if (!refreshed || clock.nanoTime() - refreshedAtNanos > maxAge.toNanos()) {
            return refresh();
        }
        return nodes;
    }

    /**
     * Fetches {@code GET /nodes} from the first node that answers: the seeds, then the nodes
     * already known. Throws UNAVAILABLE when none answers.
     */
    public List<NodeInfo> refresh() {
        Set<URI> candidates = new LinkedHashSet<>(seeds);
        nodes.forEach(n -> candidates.add(n.url()));
        List<String> failures = new ArrayList<>();
        for (URI base : candidates) {
            try {
                HttpReply reply = transport.exchange(HttpCall.get(base.resolve("/nodes")).withTimeout(NODES_TIMEOUT)).join();
                if (!reply.ok()) {
                    failures.add(base + " answered " + reply.status());
                    continue;
                }
                List<NodeInfo> list = NodeInfoCodec.decodeList(reply.body());
                nodes = List.copyOf(list);
                refreshedAtNanos = clock.nanoTime();
                refreshed = true;
                log.debug("node list from {}: {} nodes, {} alive storage", base, list.size(), aliveStorage().size());
                return nodes;
            } catch (CompletionException e) {
                failures.add(e.getCause() == null ? e.toString() : e.getCause().getMessage());
            } catch (CairnException e) {
                failures.add(base + ": " + e.getMessage());
            }
        }
        throw new CairnException(ErrorCode.UNAVAILABLE, "no node answered GET /nodes ("
                + String.join("; ", failures) + ")");
    }
}
