package io.cairn.node.storage;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.store.BlockStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/**
 * {@code GET /internal/inventory?after=<address>&limit=<n>} → {@code {"addresses":[...],"next":<address>|null}}:
 * the stored addresses greater than {@code after}, in ascending order, at most {@code limit}
 * (default 1000, at most 10,000). {@code next} is the last address of the page when more follow,
 * to be passed as the next call's {@code after}.
 *
 * <p>The store visits its addresses in no particular order, so each page keeps the smallest
 * {@code limit + 1} addresses above {@code after} in a bounded max-heap: O(n log limit) time,
 * O(limit) memory, and no state kept between pages.
 */
public final class InventoryRoute implements Route {
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 10_000;

    private final BlockStore store;

    public InventoryRoute(BlockStore store) {
        this.store = store;
    }

    @Override
    public void handle(Exchange ex) {
        String afterText = ex.query("after");
        Address after = afterText == null || afterText.isEmpty() ? null : Address.parse(afterText);
        int limit = parseLimit(ex.query("limit"));
        PriorityQueue<Address> largestOnTop = new PriorityQueue<>(limit + 2, Collections.reverseOrder());
        store.forEachAddress(a -> {
            if (after != null && a.compareTo(after) <= 0) {
                return;
            }
            if (largestOnTop.size() <= limit) {
                largestOnTop.add(a);
            } else if (a.compareTo(largestOnTop.peek()) < 0) {
                largestOnTop.poll();
                largestOnTop.add(a);
            }
        });
        boolean more = largestOnTop.size() > limit;
        if (more) {
            largestOnTop.poll();
        }
        List<Address> page = new ArrayList<>(largestOnTop);
        Collections.sort(page);
        var reply = Json.MAPPER.createObjectNode();
        var array = reply.putArray("addresses");
        page.forEach(a -> array.add(a.hex()));
        if (more) {
            reply.put("next", page.getLast().hex());
        } else {
            reply.putNull("next");
        }
        ex.respondJson(200, reply);
    }

    private static int parseLimit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new CairnException(ErrorCode.BAD_REQUEST, "limit must be 1.." + MAX_LIMIT);
    }
}
