package io.cairn.node.contracts;

import io.cairn.client.HttpCall;
import io.cairn.client.HttpReply;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;
import io.cairn.core.Json;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import io.cairn.core.contracts.ContractCriteria;
import io.cairn.core.contracts.ContractTopic;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import io.cairn.node.pubsub.PubSubService;
import io.cairn.node.pubsub.PubSubSettings;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The publisher's side of storage contracts (SPEC §3.6): the contracts this node published, the
 * offers they drew, whom it accepted, who stores, and the audits.
 *
 * <p><b>Life of a contract.</b> {@link #create} checks the data exists in the cluster and fits the
 * declared size, then publishes the contract under its topic. Each {@link #offer} from a node in
 * the cluster is recorded; the first {@code replicas} distinct nodes (never the publisher, never
 * a node that failed this contract) are accepted and told so with {@code POST
 * /internal/contracts/accept}; a node that answers it has fetched, verified and stored the data
 * with a lease to the contract's end, and counts as storing. Every {@code auditInterval} the
 * publisher sends each storing node a fresh 32-byte nonce for the block or one random chunk of
 * the file and compares the answer with SHA-256(nonce ‖ bytes) computed from its own verified
 * fetch. {@code auditAttempts} wrong or missing answers in a row (retried every tick) mark the
 * holder failed; a contract short of holders is published again (new publication id) at the
 * next tick, then every {@code offerWait}, at most {@code maxPublications} times in all.
 *
 * <p><b>Bounds.</b> At most {@code maxContracts} contracts (expired ones are evicted first,
 * then creation is refused with 503); one audit and one accept in flight per holder; every call
 * has a timeout. Contracts live in memory: a publisher restart forgets them (see README).
 *
 * <p>Thread-safe: one lock over the table; network calls happen outside it.
 */
public final class ContractBook {
    private static final Logger log = LoggerFactory.getLogger(ContractBook.class);
    public static final String OFFER_PATH = "/internal/contracts/offer";
    public static final String ACCEPT_PATH = "/internal/contracts/accept";
    public static final String AUDIT_PATH = "/internal/contracts/audit";
    public static final int MAX_REPLICAS = 16;
    static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(10);
    static final int NONCE_BYTES = 32;

    /** One contract at its publisher. Guarded by the book's lock. */
    static final class Contract {
        final ContractOffer terms;
        final String topic;
        final int replicas;
        final Set<NodeId> offers = new LinkedHashSet<>();
        final Set<NodeId> accepted = new LinkedHashSet<>();
        final Set<NodeId> stored = new LinkedHashSet<>();
        final Set<NodeId> failed = new LinkedHashSet<>();
        final Map<NodeId, Long> nextAuditMs = new LinkedHashMap<>();
        final Map<NodeId, Integer> auditFailures = new LinkedHashMap<>();
        final Set<NodeId> auditing = new LinkedHashSet<>();
        int publications;
        long lastPublishMs;
        long auditsPassed;
        long auditsFailed;

        Contract(ContractOffer terms, int replicas) {
            this.terms = terms;
            this.topic = ContractTopic.of(terms.criteria()).hex();
            this.replicas = replicas;
        }
    }

    private final PubSubService pubsub;
    private final Membership membership;
    private final Transport transport;
    private final BlockFetcher fetcher;
    private final PubSubSettings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Executor executor;
    private final Map<String, Contract> contracts = new LinkedHashMap<>();

    public ContractBook(PubSubService pubsub, Membership membership, Transport transport, BlockFetcher fetcher,
                        PubSubSettings settings, Clock clock, RandomGenerator random, Executor executor) {
        this.pubsub = pubsub;
        this.membership = membership;
        this.transport = transport;
        this.fetcher = fetcher;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.executor = executor;
    }

    /** {@code POST /contracts}: validates, checks the data, publishes; returns the new contract's id and topic. */
    public Contract create(Address address, ContractCriteria criteria, int replicas) {
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "replicas must be 1.." + MAX_REPLICAS);
        }
        if (criteria.durationDays() <= 0 || criteria.durationDays() > 36_500) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "durationDays must be above 0 and at most 36500");
        }
        long bytes = dataBytes(address);
        if (bytes > criteria.sizeMb() * Capability.MB) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "the data is " + bytes + " bytes, more than the contract's size of "
                    + criteria.sizeMb() + " MB");
        }
        long expires = clock.now().getEpochSecond() + (long) Math.ceil(criteria.durationDays() * 86_400);
        Contract c = new Contract(new ContractOffer(ContractIds.random(random), pubsub.self(), address, criteria, expires),
                replicas);
        synchronized (this) {
            if (contracts.size() >= settings.maxContracts()) {
                evictExpired();
            }
            if (contracts.size() >= settings.maxContracts()) {
                throw new CairnException(ErrorCode.UNAVAILABLE, "this node tracks " + contracts.size()
                        + " contracts, its maximum");
            }
            contracts.put(c.terms.contract(), c);
        }
        publish(c);
        return c;
    }

    /** The block's bytes, plus the file's when it is a manifest; NOT_FOUND when the cluster lacks it. */
    private long dataBytes(Address address) {
        byte[] block = bytes(fetcher.fetch(address));
        if (ManifestCodec.looksLikeManifest(block)) {
            try {
                return block.length + ManifestCodec.decode(block).size();
            } catch (CairnException notAManifest) {
                return block.length;
            }
        }
        return block.length;
    }

    private void publish(Contract c) {
        synchronized (this) {
            c.publications++;
            c.lastPublishMs = clock.now().toEpochMilli();
        }
        pubsub.publish(c.topic, c.terms.toJson());
    }

    /** {@code GET /contracts/{id}}. */
    public Optional<ObjectNode> describe(String id) {
        ContractIds.check(id);
        synchronized (this) {
            Contract c = contracts.get(id);
            if (c == null) {
                return Optional.empty();
            }
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("id", id);
            o.put("topic", c.topic);
            o.put("address", c.terms.address().hex());
            o.put("replicas", c.replicas);
            ids(o.putArray("offers"), c.offers);
            ids(o.putArray("accepted"), c.accepted);
            ids(o.putArray("stored"), c.stored);
            ids(o.putArray("failed"), c.failed);
            o.put("publications", c.publications);
            o.put("auditsPassed", c.auditsPassed);
            o.put("auditsFailed", c.auditsFailed);
            o.put("expiresEpochSecond", c.terms.expiresEpochSecond());
            return Optional.of(o);
        }
    }

    private static void ids(ArrayNode out, Set<NodeId> ids) {
        ids.forEach(id -> out.add(id.hex()));
    }

    /**
     * {@code POST /internal/contracts/offer} from {@code node}: true when accepted (the accept call
     * follows), false when the contract needs no more holders or this node may not hold it.
     */
    public boolean offer(String id, NodeId node) {
        ContractIds.check(id);
        URI url = aliveUrl(node).orElseThrow(() -> new CairnException(ErrorCode.FORBIDDEN,
                "offer from a node that is not an alive member of this cluster"));
        Contract c;
        synchronized (this) {
            c = contracts.get(id);
            if (c == null) {
                throw new CairnException(ErrorCode.NOT_FOUND, "no contract " + id + " was published here");
            }
            c.offers.add(node);
            if (node.equals(pubsub.self()) || c.failed.contains(node) || c.accepted.contains(node)
                    || c.accepted.size() >= c.replicas || expired(c)) {
                return false;
            }
            c.accepted.add(node);
        }
        executor.execute(() -> sendAccept(c, node, url));
        return true;
    }

    private void sendAccept(Contract c, NodeId node, URI url) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("contract", c.terms.contract());
        body.put("address", c.terms.address().hex());
        body.put("size", c.terms.criteria().sizeMb());
        body.put("expiresEpochSecond", c.terms.expiresEpochSecond());
        boolean ok;
        try {
            HttpReply reply = post(url.resolve(ACCEPT_PATH), body, ACCEPT_TIMEOUT).join();
            ok = reply.ok();
            if (!ok) {
                log.info("contract {}: {} refused the accept: {} {}", c.terms.contract(), node.shortHex(), reply.status(),
                        new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            ok = false;
            log.info("contract {}: accept to {} failed: {}", c.terms.contract(), node.shortHex(), e.getMessage());
        }
        synchronized (this) {
            if (ok) {
                c.stored.add(node);
                c.nextAuditMs.put(node, clock.now().toEpochMilli() + settings.auditInterval().toMillis());
            } else {
                c.accepted.remove(node);
                c.failed.add(node);
                c.lastPublishMs = 0; // look for another holder at the next tick
            }
        }
    }

    /** Periodic work: publish contracts short of holders again, start due audits. */
    void tick() {
        long now = clock.now().toEpochMilli();
        List<Contract> republish = new ArrayList<>();
        List<Map.Entry<Contract, NodeId>> audits = new ArrayList<>();
        synchronized (this) {
            for (Contract c : contracts.values()) {
                if (expired(c)) {
                    continue;
                }
                if (c.accepted.size() < c.replicas && c.publications < settings.maxPublications()
                        && now - c.lastPublishMs >= settings.offerWait().toMillis()) {
                    republish.add(c);
                }
                for (NodeId holder : c.stored) {
                    if (!c.auditing.contains(holder) && now >= c.nextAuditMs.getOrDefault(holder, 0L)) {
                        c.auditing.add(holder);
                        audits.add(Map.entry(c, holder));
                    }
                }
            }
        }
        republish.forEach(this::publish);
        for (Map.Entry<Contract, NodeId> a : audits) {
            executor.execute(() -> audit(a.getKey(), a.getValue()));
        }
    }

    private void audit(Contract c, NodeId holder) {
        Boolean passed;
        try {
            passed = challenge(c, holder);
        } catch (RuntimeException e) {
            log.warn("contract {}: audit of {} could not run: {}", c.terms.contract(), holder.shortHex(), e.toString());
            passed = null;
        }
        long now = clock.now().toEpochMilli();
        synchronized (this) {
            c.auditing.remove(holder);
            if (passed == null) { // the publisher could not get the data itself: no verdict, try later
                c.nextAuditMs.put(holder, now + settings.auditInterval().toMillis());
            } else if (passed) {
                c.auditsPassed++;
                c.auditFailures.remove(holder);
                c.nextAuditMs.put(holder, now + settings.auditInterval().toMillis());
            } else {
                c.auditsFailed++;
                int failures = c.auditFailures.merge(holder, 1, Integer::sum);
                if (failures >= settings.auditAttempts()) {
                    log.info("contract {}: holder {} failed {} audits in a row; looking for a replacement",
                            c.terms.contract(), holder.shortHex(), failures);
                    c.stored.remove(holder);
                    c.accepted.remove(holder);
                    c.failed.add(holder);
                    c.nextAuditMs.remove(holder);
                    c.lastPublishMs = 0;
                } else {
                    c.nextAuditMs.put(holder, now); // retry at the next tick
                }
            }
        }
    }

    /** One audit round trip: null when the publisher cannot judge (it cannot get the data). */
    private Boolean challenge(Contract c, NodeId holder) {
        Address target = c.terms.address();
        byte[] block = bytes(fetcher.fetch(target));
        if (ManifestCodec.looksLikeManifest(block)) {
            try {
                Manifest m = ManifestCodec.decode(block);
                int pick = random.nextInt(m.chunks().size() + 1);
                if (pick < m.chunks().size()) {
                    target = m.chunks().get(pick).id();
                    block = bytes(fetcher.fetch(target));
                }
            } catch (CairnException notAManifest) {
                // a block that merely looks like one: audit the block itself
            }
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        String expected = proof(nonce, block);
        Optional<URI> url = aliveUrl(holder);
        if (url.isEmpty()) {
            return false; // a holder that is not alive cannot answer: a missing answer
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("contract", c.terms.contract());
        body.put("address", target.hex());
        body.put("nonce", Hex.encode(nonce));
        try {
            HttpReply reply = post(url.get().resolve(AUDIT_PATH), body, AUDIT_TIMEOUT).join();
            if (reply.status() != 200) {
                return false;
            }
            JsonNode answer = Json.MAPPER.readTree(reply.body());
            return expected.equals(answer.path("proof").asString());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** SHA-256(nonce ‖ block), hex: what a holder answers to an audit. */
    public static String proof(byte[] nonce, byte[] block) {
        MessageDigest sha = Address.sha256();
        sha.update(nonce);
        return Hex.encode(sha.digest(block));
    }

    private Optional<URI> aliveUrl(NodeId node) {
        for (Member m : membership.view()) {
            if (m.id().equals(node) && m.status() == NodeStatus.ALIVE) {
                return Optional.of(m.url());
            }
        }
        return Optional.empty();
    }

    private boolean expired(Contract c) {
        return clock.now().getEpochSecond() >= c.terms.expiresEpochSecond();
    }

    private void evictExpired() {
        contracts.values().removeIf(this::expired);
    }

    private CompletableFuture<HttpReply> post(URI uri, ObjectNode body, Duration timeout) {
        return transport.exchange(new HttpCall("POST", uri, Map.of("Content-Type", "application/json"),
                ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)), timeout, true));
    }

    static byte[] bytes(ByteBuffer b) {
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
