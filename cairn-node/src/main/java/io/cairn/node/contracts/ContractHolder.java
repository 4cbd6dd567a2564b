package io.cairn.node.contracts;

import io.cairn.client.HttpCall;
import io.cairn.client.Transport;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import io.cairn.core.contracts.ContractCriteria;
import io.cairn.core.contracts.ContractTopic;
import io.cairn.core.pubsub.Publication;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.membership.Member;
import io.cairn.node.membership.Membership;
import io.cairn.node.pubsub.PubSubService;
import io.cairn.node.pubsub.PubSubSettings;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The storage node's side of contracts (SPEC §3.6): it subscribes to the contract topics it can
 * honour ({@link Capability}), offers for contracts delivered to it, stores what it is accepted
 * for, and answers audits.
 *
 * <p>An offer is sent only when the concrete terms fit (free space, maximum duration, measured
 * availability, configured speed; the topic is only a range) and the contract is not this node's
 * own. Accepted data is fetched from the cluster with {@link BlockFetcher} (every block verified
 * against its address), a manifest's chunks too, and stored with a lease to the contract's end.
 * Audits are answered from the store, whose reads are checksummed: a corrupt copy is quarantined
 * on read and the audit answers 404, which the publisher counts as a failure.
 *
 * <p>Bounds: at most {@link #MAX_OFFERS_IN_FLIGHT} offers outstanding (more are skipped); accepted
 * data at most the contract's declared size.
 */
public final class ContractHolder {
    private static final Logger log = LoggerFactory.getLogger(ContractHolder.class);
    static final int MAX_OFFERS_IN_FLIGHT = 64;
    static final Duration OFFER_TIMEOUT = Duration.ofSeconds(5);
    static final Duration UPTIME_BEAT = Duration.ofSeconds(10);

    private final PubSubService pubsub;
    private final Membership membership;
    private final Transport transport;
    private final BlockStore store;
    private final BlockFetcher fetcher;
    private final PubSubSettings settings;
    private final Clock clock;
    private final UptimeMeter uptime;
    private final Executor executor;
    private final boolean storage;
    private final Semaphore offerSlots = new Semaphore(MAX_OFFERS_IN_FLIGHT);
    private final AtomicLong offersSent = new AtomicLong();
    private volatile long lastBeatMs;

    public ContractHolder(PubSubService pubsub, Membership membership, Transport transport, BlockStore store,
                          BlockFetcher fetcher, PubSubSettings settings, Clock clock, UptimeMeter uptime,
                          Executor executor, boolean storage) {
        this.pubsub = pubsub;
        this.membership = membership;
        this.transport = transport;
        this.store = store;
        this.fetcher = fetcher;
        this.settings = settings;
        this.clock = clock;
        this.uptime = uptime;
        this.executor = executor;
        this.storage = storage;
        if (storage) {
            pubsub.onDelivery(ContractTopic::isContractTopic, this::delivered);
        }
    }

    /** What this node can honour now. */
    public Capability capability() {
        double availability = settings.availabilityPct() >= 0 ? settings.availabilityPct() : uptime.availabilityPct();
        return new Capability(store.space().freeBytes(), settings.maxContractDays(), availability, settings.speedMbps());
    }

    /** Periodic: the uptime beat, and the subscriptions, which follow the free space. */
    void tick() {
        long now = clock.now().toEpochMilli();
        if (now - lastBeatMs >= UPTIME_BEAT.toMillis()) {
            lastBeatMs = now;
            uptime.beat();
        }
        if (storage) {
            pubsub.setContractTopics(capability().topics());
        }
    }

    private void delivered(Publication p) {
        ContractOffer offer;
        try {
            offer = ContractOffer.fromJson(p.payload());
        } catch (RuntimeException e) {
            log.debug("publication {} on contract topic {} is not a contract: {}", p.id(), p.topic(), e.toString());
            return;
        }
        ContractCriteria c = offer.criteria();
        if (offer.publisher().equals(pubsub.self())
                || !capability().canHonour(c.sizeMb(), c.durationDays(), c.availabilityPct(), c.speedMbps())) {
            return;
        }
        Optional<URI> publisher = aliveUrl(offer.publisher());
        if (publisher.isEmpty() || !offerSlots.tryAcquire()) {
            return;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("contract", offer.contract());
        body.put("node", pubsub.self().hex());
        offersSent.incrementAndGet();
        executor.execute(() -> {
            try {
                transport.exchange(new HttpCall("POST", publisher.get().resolve(ContractBook.OFFER_PATH),
                        Map.of("Content-Type", "application/json"), ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)),
                        OFFER_TIMEOUT, true)).join();
            } catch (RuntimeException e) {
                log.debug("offer for contract {} failed: {}", offer.contract(), e.toString());
            } finally {
                offerSlots.release();
            }
        });
    }

    /**
     * {@code POST /internal/contracts/accept}: fetch, verify, store until {@code expiresEpochSecond}.
     * Returns the bytes stored.
     */
    long accept(Address address, double sizeMb, long expiresEpochSecond) {
        if (!storage) {
            throw new CairnException(ErrorCode.FORBIDDEN, "this node does not have the storage role");
        }
        Lease lease = new Lease(expiresEpochSecond);
        long limit = (long) (sizeMb * Capability.MB);
        byte[] block = ContractBook.bytes(fetcher.fetch(address));
        long total = block.length;
        Manifest manifest = null;
        if (ManifestCodec.looksLikeManifest(block)) {
            try {
                manifest = ManifestCodec.decode(block);
                total += manifest.size();
            } catch (CairnException notAManifest) {
                manifest = null;
            }
        }
        if (total > limit) {
            throw new CairnException(ErrorCode.TOO_LARGE, "the data is " + total + " bytes, above the contract's " + sizeMb + " MB");
        }
        if (total > store.space().freeBytes()) {
            throw new CairnException(ErrorCode.INSUFFICIENT_STORAGE, "not enough free space for " + total + " bytes");
        }
        if (manifest != null) {
            for (Manifest.Chunk chunk : manifest.chunks()) {
                store.put(chunk.id(), fetcher.fetch(chunk.id()), lease);
            }
        }
        store.put(address, ByteBuffer.wrap(block), lease); // the manifest last: present means complete
        return total;
    }

    /** {@code POST /internal/contracts/audit}: SHA-256(nonce ‖ block), or NOT_FOUND when the block is gone or corrupt. */
    String audit(Address address, byte[] nonce) {
        ByteBuffer block = store.read(address).orElseThrow(() ->
                new CairnException(ErrorCode.NOT_FOUND, "block " + address + " is not held here"));
        return ContractBook.proof(nonce, ContractBook.bytes(block));
    }

    long offersSent() {
        return offersSent.get();
    }

    private Optional<URI> aliveUrl(NodeId node) {
        for (Member m : membership.view()) {
            if (m.id().equals(node) && m.status() == NodeStatus.ALIVE) {
                return Optional.of(m.url());
            }
        }
        return Optional.empty();
    }
}
