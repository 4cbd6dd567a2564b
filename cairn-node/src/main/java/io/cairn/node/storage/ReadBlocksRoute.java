package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.BlockReads;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import io.cairn.store.BlockView;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code POST /blocks/read}: several blocks in one answer, the read batch ({@link BlockReads} has
 * the format). Each address gets what {@code GET /blocks/{address}} would give: the verified bytes
 * of a live copy ({@link BlockStore#readViews}: a view of the segment mapping, checked against its
 * CRC32C, lent without a copy) and a lease renewal when due, or {@link BlockReads#ABSENT} where that GET would be a 404. So a
 * batch never fails for one missing block; the client asks elsewhere for the absent ones.
 *
 * <p>Refused whole, with nothing read: a body that is not {@link BlockReads#REQUEST_TYPE} or not
 * whole addresses 400, more than {@link BlockReads#MAX_ADDRESSES} addresses 413, blocks that add
 * up to more than {@link BlockReads#MAX_REPLY_BYTES} 413. Public like the single GET; no logging.
 *
 * <p>The answer is written as the table, then each block's bytes in turn from the mapping (one
 * socket write each, blocking this virtual thread), the views given back once Jetty is done.
 */
public final class ReadBlocksRoute implements Route {
    private final BlockStore store;
    private final LeaseRenewal renewal;

    public ReadBlocksRoute(BlockStore store, LeaseRenewal renewal) {
        this.store = store;
        this.renewal = renewal;
    }

    @Override
    public void handle(Exchange ex) throws Exception {
        ex.requireMediaType(BlockReads.REQUEST_TYPE, "a read batch");
        List<Address> addresses = BlockReads.parseRequest(ByteBuffer.wrap(ex.readBody(BlockReads.MAX_REQUEST_BYTES)));
        List<BlockView> views = store.readViews(addresses, BlockReads.MAX_REPLY_BYTES);
        boolean lent = false;
        try {
            int[] lengths = new int[addresses.size()];
            long content = 0;
            for (int i = 0; i < addresses.size(); i++) {
                BlockView view = views.get(i);
                lengths[i] = view == null ? BlockReads.ABSENT : view.content().remaining();
                content += Math.max(0, lengths[i]);
            }
            if (content > BlockReads.MAX_REPLY_BYTES) { // grown between the size check and the reads
                throw BlockStore.tooLargeBatch(BlockReads.MAX_REPLY_BYTES);
            }
            for (int i = 0; i < addresses.size(); i++) {
                if (views.get(i) != null) {
                    renewal.onRead(addresses.get(i), views.get(i).leaseEpochSecond());
                }
            }
            ByteBuffer table = BlockReads.table(addresses, lengths);
            ex.whenDone(() -> views.forEach(ReadBlocksRoute::close));
            lent = true;
            ex.begin(200);
            ex.response().getHeaders().put(HttpHeader.CONTENT_TYPE, BlockReads.REPLY_TYPE);
            ex.response().getHeaders().put(HttpHeader.CONTENT_LENGTH, table.remaining() + content);
            int last = lastPresent(views);
            ex.write(table, last < 0);
            for (int i = 0; i <= last; i++) {
                if (views.get(i) != null) {
                    ex.write(views.get(i).content().duplicate(), i == last);
                }
            }
        } finally {
            if (!lent) {
                views.forEach(ReadBlocksRoute::close);
            }
        }
    }

    private static int lastPresent(List<BlockView> views) {
        for (int i = views.size() - 1; i >= 0; i--) {
            if (views.get(i) != null) {
                return i;
            }
        }
        return -1;
    }

    private static void close(BlockView view) {
        if (view != null) {
            view.close();
        }
    }
}
