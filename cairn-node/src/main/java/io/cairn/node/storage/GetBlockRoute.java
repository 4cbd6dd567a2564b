package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.node.http.ByteRange;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code GET} and {@code HEAD /blocks/{address}} (SPEC §3.1), the hot path: one index lookup, one
 * verified read from the store, the bytes handed to Jetty as they came (a range is a slice, not a
 * copy), a lease renewal only when due ({@link LeaseRenewal}). No logging. HEAD answers from the
 * index without reading the block.
 */
public final class GetBlockRoute implements Route {
    private static final HttpField OCTET = new HttpField(HttpHeader.CONTENT_TYPE, Exchange.OCTET_STREAM);
    private static final HttpField ACCEPT_RANGES = new HttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    private static final HttpField IMMUTABLE = new HttpField(HttpHeader.CACHE_CONTROL, "public, max-age=31536000, immutable");

    private final BlockStore store;
    private final LeaseRenewal renewal;

    public GetBlockRoute(BlockStore store, LeaseRenewal renewal) {
        this.store = store;
        this.renewal = renewal;
    }

    @Override
    public void handle(Exchange ex) {
        Address address = Address.parse(ex.param("address"));
        ByteBuffer content = null;
        long size;
        if (ex.isHead()) {
            size = store.sizeOf(address);
        } else {
            Optional<ByteBuffer> read = store.read(address);
            content = read.orElse(null);
            size = content == null ? -1 : content.remaining();
        }
        if (size < 0) {
            throw new CairnException(ErrorCode.NOT_FOUND, "block " + address + " is not here");
        }
        ByteRange range = ByteRange.parse(ex.header(HttpHeader.RANGE), size);
        renewal.onRead(address);
        HttpFields.Mutable headers = ex.response().getHeaders();
        headers.put(OCTET);
        headers.put(ACCEPT_RANGES);
        headers.put(IMMUTABLE);
        headers.put(HttpHeader.ETAG, "\"" + address.hex() + "\"");
        int status = 200;
        if (range.partial()) {
            status = 206;
            headers.put(HttpHeader.CONTENT_RANGE, range.contentRange(size));
            if (content != null) {
                content = content.slice(content.position() + (int) range.start(), (int) range.length());
            }
        }
        if (content == null) {
            // HEAD: the headers a GET would send, without the body.
            ex.begin(status);
            headers.put(HttpHeader.CONTENT_LENGTH, range.partial() ? range.length() : size);
            ex.finish();
        } else {
            ex.respond(status, null, content);
        }
    }
}
