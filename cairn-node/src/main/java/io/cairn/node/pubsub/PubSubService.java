package io.cairn.node.pubsub;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import io.cairn.core.pubsub.AttenuatedBloomFilter;
import io.cairn.core.pubsub.FilterUpdate;
import io.cairn.core.pubsub.NeighbourFilters;
import io.cairn.core.pubsub.OverlayNeighbours;
import io.cairn.core.pubsub.PubSubLimits;
import io.cairn.core.pubsub.Publication;
import io.cairn.core.pubsub.QuasarRouter;
import io.cairn.core.pubsub.SeenPublications;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's part in the Quasar overlay (SPEC §3.6): its subscriptions, its neighbours and their
 * filters, and the I/O around the pure {@link QuasarRouter}. Started by {@link io.cairn.node.CairnNode};
 * the pub/sub routes and the contracts module call it.
 *
 * <p><b>Neighbours</b> come from the membership: every alive node computes everyone's choices with
 * {@link OverlayNeighbours#ofMembership} (salt 0), so two nodes that see the same members agree
 * on who neighbours whom without a handshake. Recomputed when the alive set changes.
 *
 * <p><b>Filters.</b> Every {@code filterTick} the node builds its own
 * {@link AttenuatedBloomFilter#local} from its subscriptions and its neighbours' fresh filters and
 * pushes it to each neighbour whose last copy differs or is older than {@code filterRefresh}
 * ({@link NeighbourFilters#shouldPush}). A push the receiver did not take (it does not count us
 * as a neighbour yet, or the call failed) is forgotten, so it is retried on the next tick.
 * Changes travel one level per tick; a node thus sends at most one filter per neighbour per tick
 * however many updates it receives.
 *
 * <p><b>Publications</b> arrive from the local API ({@link #publish}) or a relay; the router's
 * decision is taken under one lock (the {@link SeenPublications} set is not thread-safe), then
 * delivery and forwards happen outside it. Forwards are fire-and-forget with a timeout; at most
 * {@link #MAX_RELAYS_IN_FLIGHT} are outstanding and further ones are dropped and counted (TTL and
 * duplicate detection bound a walk anyway).
 *
 * <p>Thread-safe. Time and randomness come in through the constructor.
 */
public final class PubSubService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubSubService.class);
    public static final String RELAY_PATH = "/internal/pubsub/relay";
    public static final String FILTER_PATH = "/internal/pubsub/filter";
    static final int MAX_RELAYS_IN_FLIGHT = 256;
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    static final long SALT = 0;

    /** Counters for the benchmark and {@code GET /pubsub/status}; monotonic since start. */
    public record Stats(long filterPushes, long filterBytes, long relaysSent, long relayBytes, long relaysReceived,
                        long delivered, long duplicates, long dropped) {}

    private record Pushed(AttenuatedBloomFilter filter, long atMs) {}

    private record Listener(Predicate<String> topics, Consumer<Publication> onDelivery) {}

    private final NodeId self;
    private final Membership membership;
    private final Transport transport;
    private final PubSubSettings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final MessageBuffer messages;
    private final Object routeLock = new Object();
    private final SeenPublications seen;
    private final Set<String> userTopics = new LinkedHashSet<>();
    private volatile Set<String> contractTopics = Set.of();
    private volatile Set<String> subscriptions = Set.of();
    private volatile NeighbourFilters table;
    private volatile List<NodeId> neighbours = List.of();
    private volatile Map<NodeId, URI> urls = Map.of();
    private volatile AttenuatedBloomFilter ownFilter;
    private Set<NodeId> neighbourBasis = Set.of();
    private final Map<NodeId, Pushed> pushed = new ConcurrentHashMap<>();
    private final Set<NodeId> pushing = ConcurrentHashMap.newKeySet();
    private final AtomicLong version;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Semaphore relaySlots = new Semaphore(MAX_RELAYS_IN_FLIGHT);
    private final AtomicLong filterPushes = new AtomicLong(), filterBytes = new AtomicLong(),
            relaysSent = new AtomicLong(), relayBytes = new AtomicLong(), relaysReceived = new AtomicLong(),
            delivered = new AtomicLong(), duplicates = new AtomicLong(), dropped = new AtomicLong();
    private final ScheduledExecutorService scheduler;

    public PubSubService(Membership membership, Transport transport, PubSubSettings settings, Clock clock,
                         RandomGenerator random) {
        this.self = membership.selfId();
        this.membership = membership;
        this.transport = transport;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.messages = new MessageBuffer(settings.messagesPerTopic());
        this.seen = new SeenPublications(settings.seenCapacity());
        this.table = NeighbourFilters.empty(settings.shape(), settings.filterMaxAge().toMillis());
        this.ownFilter = AttenuatedBloomFilter.local(self, Set.of(), List.of(), settings.shape());
        // Versions start at the wall clock so that a restarted node outranks its previous pushes.
        this.version = new AtomicLong(clock.now().toEpochMilli());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("cairn-pubsub-" + self.shortHex()).daemon(true).factory());
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tickSafely, 0, settings.filterTick().toNanos(), TimeUnit.NANOSECONDS);
    }

    public NodeId self() {
        return self;
    }

    public PubSubSettings settings() {
        return settings;
    }

    // ---- subscriptions ----

    /** Subscribes to a topic on behalf of an API user; false if it already was. */
    public boolean subscribe(String topic) {
        PubSubLimits.checkTopic(topic);
        synchronized (userTopics) {
            if (userTopics.contains(topic)) {
                return false;
            }
            if (userTopics.size() + contractTopics.size() >= PubSubLimits.MAX_SUBSCRIPTIONS) {
                throw new CairnException(ErrorCode.TOO_LARGE, "at most " + PubSubLimits.MAX_SUBSCRIPTIONS + " subscriptions");
            }
            userTopics.add(topic);
            recomputeSubscriptions();
        }
        kick();
        return true;
    }

    /** Ends an API user's subscription; false if there was none. */
    public boolean unsubscribe(String topic) {
        synchronized (userTopics) {
            if (!userTopics.remove(topic)) {
                return false;
            }
            recomputeSubscriptions();
        }
        kick();
        return true;
    }

    /** The contract topics this node can honour (set by the contracts module when its capacity changes). */
    public void setContractTopics(Set<String> topics) {
        synchronized (userTopics) {
            if (topics.equals(contractTopics)) {
                return;
            }
            contractTopics = Set.copyOf(topics);
            recomputeSubscriptions();
        }
        kick();
    }

    private void recomputeSubscriptions() {
        Set<String> all = new TreeSet<>(userTopics);
        all.addAll(contractTopics);
        subscriptions = Set.copyOf(all);
        messages.retainTopics(all);
    }

    public Set<String> subscriptions() {
        return subscriptions;
    }

    public Set<String> userTopics() {
        synchronized (userTopics) {
            return Set.copyOf(userTopics);
        }
    }

    public Set<String> contractTopics() {
        return contractTopics;
    }

    /** Calls {@code onDelivery} (on the delivering thread; keep it short) for each delivery on a matching topic. */
    public void onDelivery(Predicate<String> topics, Consumer<Publication> onDelivery) {
        listeners.add(new Listener(topics, onDelivery));
    }

    List<MessageBuffer.Message> messages(String topic) {
        return messages.messages(topic);
    }

    public List<NodeId> neighbours() {
        return neighbours;
    }

    /** The neighbours whose filters are fresh now. */
    public Set<NodeId> neighboursWithFilters() {
        return table.fresh(clock.now().toEpochMilli()).keySet();
    }

    /** The shallowest level at which a fresh neighbour filter might hold {@code topic}, or -1: routing's view of it. */
    public int match(String topic) {
        int best = -1;
        for (AttenuatedBloomFilter f : table.fresh(clock.now().toEpochMilli()).values()) {
            int level = f.match(topic);
            if (level >= 0 && (best < 0 || level < best)) {
                best = level;
            }
        }
        return best;
    }

    public Stats stats() {
        return new Stats(filterPushes.get(), filterBytes.get(), relaysSent.get(), relayBytes.get(),
                relaysReceived.get(), delivered.get(), duplicates.get(), dropped.get());
    }

    // ---- publications ----

    /** Publishes {@code payloadJson} (canonical JSON text) under {@code topic}; returns the publication. */
    public Publication publish(String topic, String payloadJson) {
        Publication p = Publication.publish(topic, payloadJson, settings.ttl(), random);
        route(p, self, 0);
        return p;
    }

    /** A copy relayed to us. */
    QuasarRouter.Outcome receive(PubSubCodec.Relay relay) {
        relaysReceived.incrementAndGet();
        return route(relay.publication(), relay.from(), relay.hops());
    }

    private QuasarRouter.Outcome route(Publication p, NodeId from, int hops) {
        QuasarRouter.Decision d;
        Map<NodeId, AttenuatedBloomFilter> filters = table.fresh(clock.now().toEpochMilli());
        synchronized (routeLock) {
            d = QuasarRouter.route(p, from, new QuasarRouter.LocalState(self, subscriptions, neighbours, seen),
                    filters, random);
        }
        if (d.outcome() == QuasarRouter.Outcome.DUPLICATE) {
            duplicates.incrementAndGet();
            return d.outcome();
        }
        if (d.deliver()) {
            deliver(p, hops);
        }
        for (QuasarRouter.Forward f : d.forwards()) {
            relay(f.to(), f.publication(), hops + 1);
        }
        return d.outcome();
    }

    private void deliver(Publication p, int hops) {
        delivered.incrementAndGet();
        messages.add(new MessageBuffer.Message(p.id(), p.topic(), p.payload(), hops, clock.now().toEpochMilli()));
        for (Listener l : listeners) {
            if (l.topics().test(p.topic())) {
                try {
                    l.onDelivery().accept(p);
                } catch (RuntimeException e) {
                    log.warn("delivery listener failed for publication {}: {}", p.id(), e.toString());
                }
            }
        }
    }

    private void relay(NodeId to, Publication p, int hops) {
        URI url = urls.get(to);
        if (url == null || !relaySlots.tryAcquire()) {
            dropped.incrementAndGet();
            return;
        }
        byte[] body = PubSubCodec.encodeRelay(self, p, hops);
        relaysSent.incrementAndGet();
        relayBytes.addAndGet(body.length);
        post(url.resolve(RELAY_PATH), body).whenComplete((reply, failure) -> {
            relaySlots.release();
            if (failure != null || reply.status() != 202) {
                dropped.incrementAndGet();
                log.debug("relay of {} to {} failed: {}", p.id(), url, failure != null ? failure.getMessage() : reply.status());
            }
        });
    }

    // ---- filters ----

    /** Takes in a neighbour's push; returns the verdict. */
    NeighbourFilters.Verdict offer(FilterUpdate update) {
        synchronized (this) {
            NeighbourFilters.Result r = table.offer(update, neighbours, clock.now().toEpochMilli());
            table = r.table();
            return r.verdict();
        }
    }

    /** Runs a tick soon (after a subscription changed). */
    private void kick() {
        try {
            scheduler.execute(this::tickSafely);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("pub/sub tick failed", e);
        }
    }

    /** One round: neighbours from membership, own filter, pushes. Runs on the scheduler thread only. */
    void tick() {
        refreshNeighbours();
        long now = clock.now().toEpochMilli();
        AttenuatedBloomFilter mine = AttenuatedBloomFilter.local(self, subscriptions, table.fresh(now).values(),
                settings.shape());
        ownFilter = mine;
        long refreshMs = settings.filterRefresh().toMillis();
        byte[] body = null;
        for (NodeId n : neighbours) {
            Pushed last = pushed.get(n);
            if (pushing.contains(n) || !NeighbourFilters.shouldPush(last == null ? null : last.filter(),
                    last == null ? 0 : last.atMs(), mine, now, refreshMs)) {
                continue;
            }
            URI url = urls.get(n);
            if (url == null) {
                continue;
            }
            if (body == null) {
                body = PubSubCodec.encodeFilter(self, version.updateAndGet(v -> Math.max(v + 1, now)), mine);
            }
            pushed.put(n, new Pushed(mine, now));
            pushing.add(n);
            filterPushes.incrementAndGet();
            filterBytes.addAndGet(body.length);
            post(url.resolve(FILTER_PATH), body).whenComplete((reply, failure) -> {
                pushing.remove(n);
                boolean taken = failure == null && reply.status() == 200 && takenVerdict(reply.body());
                if (!taken) {
                    pushed.remove(n); // retried next tick
                }
            });
        }
    }

    private static boolean takenVerdict(byte[] body) {
        String verdict = Json.MAPPER.readTree(body).path("verdict").asString();
        return verdict.equals("accepted") || verdict.equals("stale");
    }

    private void refreshNeighbours() {
        Map<NodeId, URI> alive = new HashMap<>();
        for (Member m : membership.view()) {
            if (m.status() == NodeStatus.ALIVE) {
                alive.put(m.id(), m.url());
            }
        }
        urls = Map.copyOf(alive);
        if (alive.keySet().equals(neighbourBasis)) {
            return;
        }
        neighbourBasis = Set.copyOf(alive.keySet());
        List<NodeId> next = OverlayNeighbours.ofMembership(self, alive.keySet(), settings.closestNeighbours(),
                settings.randomNeighbours(), SALT);
        synchronized (this) {
            neighbours = next;
            table = table.retain(Set.copyOf(next));
        }
        pushed.keySet().retainAll(Set.copyOf(next));
    }

    AttenuatedBloomFilter ownFilter() {
        return ownFilter;
    }

    private java.util.concurrent.CompletableFuture<HttpReply> post(URI uri, byte[] body) {
        HttpCall call = new HttpCall("POST", uri, Map.of("Content-Type", "application/json"), ByteBuffer.wrap(body),
                CALL_TIMEOUT, true);
        return transport.exchange(call);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("pub/sub did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
