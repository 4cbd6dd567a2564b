package io.cairn.node.apidrive;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import io.cairn.core.Lease;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.node.files.BlockFetcher;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code POST /api/drive/retrieve} (SPEC §3.3) body = BSON {@code {"Id": "<address>"}} → 200
 * {@code application/bson} {@code {"Id", "Data"}}, from any node: the local copy when there is
 * one, else a replica's ({@link BlockFetcher}: XOR order, every copy verified); 404 when no
 * replica has it. Checks before any work: the client's retrieve budget (429), size (413), BSON (400).
 *
 * <p>Leases (SPEC §2): a read renews the local copy to {@code now + lease} (written only when
 * that raises it by more than {@link #SLACK_SECONDS}, so a hot block costs one lease write a
 * minute) and offers the same renewal to the other replicas, sent in batches
 * ({@link ReplicaRenewals}). A block larger than the codec's Data limit (stored through
 * {@code PUT /blocks}) is a 413: the seed's clients expect at most 64 KiB.
 */
final class DriveRetrieveRoute implements Route {
    static final String PATH = "/api/drive/retrieve";
    static final long SLACK_SECONDS = 60;

    private final DriveCodec codec;
    private final DriveRateLimiter limiter;
    private final BlockStore store;
    private final BlockFetcher fetcher;
    private final ReplicaRenewals renewals;
    private final Clock clock;
    private final Duration lease;

    DriveRetrieveRoute(DriveCodec codec, DriveRateLimiter limiter, BlockStore store, BlockFetcher fetcher,
                       ReplicaRenewals renewals, Clock clock, Duration lease) {
        this.codec = codec;
        this.limiter = limiter;
        this.store = store;
        this.fetcher = fetcher;
        this.renewals = renewals;
        this.clock = clock;
        this.lease = lease;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        limiter.acquire(ex);
        Address id = codec.decodeRetrieveRequest(ex.readBody(DriveCodec.MAX_ID_DOCUMENT_BYTES));
        Optional<ByteBuffer> local = store.read(id);
        ByteBuffer content = local.isPresent() ? local.get() : fetcher.fetch(id);
        if (content.remaining() > codec.maxDataBytes()) {
            throw new CairnException(ErrorCode.TOO_LARGE, "block " + id + " is " + content.remaining()
                    + " bytes, more than API Drive's " + codec.maxDataBytes());
        }
        ByteBuffer reply = RetrieveFrame.of(id, content);
        Lease wanted = Lease.until(clock.now().plus(lease));
        if (local.isPresent()) {
            Optional<Lease> current = store.lease(id);
            if (current.isPresent() && current.get().expiresEpochSecond() < wanted.expiresEpochSecond() - SLACK_SECONDS) {
                store.renew(id, wanted);
            }
        }
        renewals.offer(id, wanted);
        ex.respond(200, DriveService.BSON, reply);
    }
}
