package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.http.ByteRange;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockView;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code GET} and {@code HEAD /blocks/{address}} (SPEC §3.1), the hot path: one index lookup and
 * one verified read ({@link BlockStore#readView}: the bytes of a mapped segment, checked against
 * their CRC32C, lent without a copy), handed to Jetty as they are (a range is a slice), the view
 * given back when Jetty is done with it; the lease renewed only when due ({@link LeaseRenewal}),
 * from the lease the read returned. No logging. HEAD answers from the index without reading.
 */
public final class GetBlockRoute implements Route {
    private static final HttpField OCTET = new HttpField(HttpHeader.CONTENT_TYPE, Exchange.OCTET_STREAM);
    private static final HttpField ACCEPT_RANGES = new HttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    private static final HttpField IMMUTABLE = new HttpField(HttpHeader.CACHE_CONTROL, "public, max-age=31536000, immutable");

    /** How long a "resident" verdict is trusted; see {@link ResidencyCache}. */
    static final long RESIDENT_TTL_NANOS = 1_000_000_000L;
    static final int RESIDENCY_SLOTS = 1 << 16;

    private final BlockStore store;
    private final LeaseRenewal renewal;
    private final ResidencyCache residency;

    public GetBlockRoute(BlockStore store, LeaseRenewal renewal) {
        this.store = store;
        this.renewal = renewal;
        this.residency = new ResidencyCache(RESIDENCY_SLOTS, RESIDENT_TTL_NANOS, store::isResident);
    }

    /** Inline on the I/O thread when the block's bytes are in memory (or it is absent); else on a virtual thread. */
    @Override
    public boolean nonBlocking(Exchange ex) {
        Address address = Address.parse(ex.param("address"));
        ex.attach(address);
        return residency.isResident(address, ex.startNanos());
    }

    @Override
    public void handle(Exchange ex) {
        Address address = ex.attachment() instanceof Address parsed ? parsed : Address.parse(ex.param("address"));
        if (ex.isHead()) {
            long size = store.sizeOf(address);
            if (size < 0) {
                throw notHere(address);
            }
            ByteRange range = ByteRange.parse(ex.header(HttpHeader.RANGE), size);
            renewal.onRead(address);
            headers(ex, address, range, size);
            // HEAD: the headers a GET would send, without the body.
            ex.begin(range.partial() ? 206 : 200);
            ex.response().getHeaders().put(HttpHeader.CONTENT_LENGTH, range.partial() ? range.length() : size);
            ex.finish();
            return;
        }
        BlockView view = store.readView(address).orElseThrow(() -> notHere(address));
        boolean lent = false;
        try {
            ByteBuffer content = view.content();
            long size = content.remaining();
            ByteRange range = ByteRange.parse(ex.header(HttpHeader.RANGE), size);
            renewal.onRead(address, view.leaseEpochSecond());
            headers(ex, address, range, size);
            if (range.partial()) {
                content = content.slice(content.position() + (int) range.start(), (int) range.length());
            }
            ex.whenDone(view::close);
            lent = true;
            ex.respond(range.partial() ? 206 : 200, null, content);
        } finally {
            if (!lent) {
                view.close();
            }
        }
    }

    private static void headers(Exchange ex, Address address, ByteRange range, long size) {
        HttpFields.Mutable headers = ex.response().getHeaders();
        // add, not put: this route's answer starts with no headers (no sticky ones on /blocks),
        // so there is nothing to replace and no need to scan for it on every request.
        headers.add(OCTET);
        headers.add(ACCEPT_RANGES);
        headers.add(IMMUTABLE);
        // The path's own spelling when it is already the canonical (lower-case) hex: no re-encoding.
        String param = ex.param("address");
        headers.add(new HttpField(HttpHeader.ETAG, "\"" + (isLowerHex(param) ? param : address.hex()) + "\""));
        if (range.partial()) {
            headers.add(new HttpField(HttpHeader.CONTENT_RANGE, range.contentRange(size)));
        }
    }

    /** True for a string that parsed as an address and holds no upper-case digit. */
    private static boolean isLowerHex(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) >= 'A' && hex.charAt(i) <= 'F') {
                return false;
            }
        }
        return true;
    }

    private static CairnException notHere(Address address) {
        return new CairnException(ErrorCode.NOT_FOUND, "block " + address + " is not here");
    }
}
