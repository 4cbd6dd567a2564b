package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.BlockBatch;
import io.cairn.core.CairnException;
import io.cairn.core.DirectBuffers;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client side of write batching, driven by hand: every request the batcher sends is recorded
 * with a future the test completes, so what leaves when is fully determined by the test.
 */
class WriteBatcherTest {
    private static final long SEED = 0x6a7c4e5L;
    private static final Duration TIMEOUT = Duration.ofSeconds(7);
    private static final URI NODE = URI.create("http://127.0.0.1:7070");
    private static final URI OTHER = URI.create("http://127.0.0.1:7071");

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final Wire wire = new Wire();

    /** One request as sent, and the future that answers it. */
    record Sent(HttpCall call, CompletableFuture<HttpReply> reply) {
        boolean isBatch() {
            return call.method().equals("POST");
        }

        /** The blocks a call carries: one for a PUT, the frames of a POST. */
        List<Block> blocks() {
            if (!isBatch()) {
                String path = call.uri().getPath();
                return List.of(new Block(Address.parse(path.substring("/blocks/".length())), bytesOf(call.body())));
            }
            return BlockBatch.parse(call.body()).stream().map(f -> new Block(f.address(), bytesOf(f.content()))).toList();
        }

        String lease() {
            return call.headers().get("X-Cairn-Lease");
        }

        /** Answers a batch as a node would: every block in order, created or not. */
        void answerBatch(boolean... created) {
            List<Block> blocks = blocks();
            var reply = Json.MAPPER.createObjectNode();
            var results = reply.putArray("results");
            for (int i = 0; i < blocks.size(); i++) {
                var r = results.addObject();
                r.put("address", blocks.get(i).address().hex());
                r.put("size", blocks.get(i).bytes().length);
                r.put("created", created.length == 0 || created[i]);
            }
            reply(200, Json.MAPPER.writeValueAsBytes(reply));
        }

        void reply(int status, byte[] body) {
            reply.complete(new HttpReply(status, Map.of("content-type", "application/json"), body));
        }
    }

    /** A block by address and content. */
    record Block(Address address, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Block b && address.equals(b.address) && java.util.Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return address.hashCode();
        }

        @Override
        public String toString() {
            return address.hex().substring(0, 12) + "(" + bytes.length + " B)";
        }
    }

    /** The fake {@code send}: records every call and leaves it unanswered. */
    static final class Wire implements Function<HttpCall, CompletableFuture<HttpReply>> {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<HttpReply> apply(HttpCall call) {
            Sent s = new Sent(call, new CompletableFuture<>());
            sent.add(s);
            return s.reply;
        }

        synchronized Sent get(int i) {
            return sent.get(i);
        }

        synchronized int size() {
            return sent.size();
        }

        synchronized Sent last() {
            return sent.getLast();
        }

        synchronized List<Sent> unanswered() {
            return sent.stream().filter(s -> !s.reply.isDone()).toList();
        }
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    private Block block(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return new Block(Address.of(b), b);
    }

    private List<Block> blocks(int n, int size) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blocks.add(block(size));
        }
        return blocks;
    }

    private WriteBatcher batcher(int maxInFlight, int maxBlocks, int maxBytes) {
        return new WriteBatcher(wire, TIMEOUT, maxInFlight, maxBlocks, maxBytes);
    }

    private WriteBatcher batcher() {
        return batcher(1, WriteBatcher.DEFAULT_MAX_BLOCKS, WriteBatcher.DEFAULT_MAX_BYTES);
    }

    private static CompletableFuture<HttpReply> put(WriteBatcher batcher, URI node, Block b, String lease) {
        return batcher.put(node, b.address(), ByteBuffer.wrap(b.bytes()), lease);
    }

    private static HttpReply status(int s) {
        return new HttpReply(s, Map.of(), new byte[0]);
    }

    private static void assertStatus(CompletableFuture<HttpReply> reply, int status) {
        assertThat(reply).as("seed %d", SEED).isCompleted();
        assertThat(reply.join().status()).as("seed %d", SEED).isEqualTo(status);
    }

    private static CairnException failure(CompletableFuture<HttpReply> reply) {
        assertThat(reply).as("seed %d", SEED).isCompletedExceptionally();
        Throwable t = assertThatThrownBy(reply::join).isInstanceOf(CompletionException.class).actual().getCause();
        assertThat(t).as("seed %d", SEED).isInstanceOf(CairnException.class);
        return (CairnException) t;
    }

    private static void assertSinglePut(Sent s, URI node, Block b, String lease) {
        assertThat(s.call().method()).isEqualTo("PUT");
        assertThat(s.call().uri()).isEqualTo(node.resolve("/blocks/" + b.address().hex()));
        assertThat(bytesOf(s.call().body())).as("seed %d", SEED).isEqualTo(b.bytes());
        assertThat(s.lease()).isEqualTo(lease);
        assertThat(s.call().internal()).isTrue();
        assertThat(s.call().timeout()).isEqualTo(TIMEOUT);
    }

    private static void assertBatch(Sent s, URI node, List<Block> blocks, String lease) {
        assertThat(s.call().method()).isEqualTo("POST");
        assertThat(s.call().uri()).isEqualTo(node.resolve("/blocks"));
        assertThat(s.call().headers()).containsEntry("Content-Type", BlockBatch.CONTENT_TYPE);
        if (lease == null) {
            assertThat(s.call().headers()).doesNotContainKey("X-Cairn-Lease");
        } else {
            assertThat(s.call().headers()).containsEntry("X-Cairn-Lease", lease);
        }
        assertThat(s.call().internal()).isTrue();
        assertThat(s.call().timeout()).isEqualTo(TIMEOUT);
        assertThat(s.blocks()).as("seed %d: the frames, in order", SEED).containsExactlyElementsOf(blocks);
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> batcher(0, 64, 1 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batcher(1, 0, 1 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batcher(1, BlockBatch.MAX_BLOCKS + 1, 1 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batcher(1, 64, BlockBatch.MAX_BODY_BYTES + 1)).isInstanceOf(IllegalArgumentException.class);
        batcher(1, BlockBatch.MAX_BLOCKS, BlockBatch.MAX_BODY_BYTES);
    }

    @Test
    void anIdleNodeGetsTheFirstWriteAtOnceAsASinglePut() {
        WriteBatcher batcher = batcher();
        Block a = block(1000);
        CompletableFuture<HttpReply> reply = put(batcher, NODE, a, "60");
        assertThat(wire.size()).isEqualTo(1);
        assertSinglePut(wire.get(0), NODE, a, "60");
        assertThat(reply).isNotDone();
        HttpReply answer = new HttpReply(201, Map.of(), "{\"created\":true}".getBytes(StandardCharsets.UTF_8));
        wire.get(0).reply().complete(answer);
        assertThat(reply).isCompletedWithValue(answer);

        // idle again: the next write goes at once too, without a lease header when it has none
        Block b = block(10);
        CompletableFuture<HttpReply> second = put(batcher, NODE, b, null);
        assertThat(wire.size()).isEqualTo(2);
        assertSinglePut(wire.get(1), NODE, b, null);
        assertThat(wire.get(1).call().headers()).isEmpty();
        wire.get(1).reply().complete(status(200));
        assertStatus(second, 200);
    }

    @Test
    void writesQueuedBehindABusyNodeLeaveTogetherAsOneBatch() {
        WriteBatcher batcher = batcher();
        Block first = block(500);
        CompletableFuture<HttpReply> firstReply = put(batcher, NODE, first, "60");
        List<Block> queued = List.of(block(1000), block(0), block(70_000), block(1));
        List<CompletableFuture<HttpReply>> replies = new ArrayList<>();
        for (Block b : queued) {
            replies.add(put(batcher, NODE, b, "60"));
        }
        assertThat(wire.size()).as("nothing more while the first is in flight").isEqualTo(1);
        replies.forEach(r -> assertThat(r).isNotDone());

        wire.get(0).reply().complete(status(201));
        assertStatus(firstReply, 201);
        assertThat(wire.size()).as("the queue leaves as one request").isEqualTo(2);
        Sent batch = wire.get(1);
        assertBatch(batch, NODE, queued, "60");
        replies.forEach(r -> assertThat(r).isNotDone());

        batch.answerBatch(true, false, true, false);
        assertStatus(replies.get(0), 201);
        assertStatus(replies.get(1), 200);
        assertStatus(replies.get(2), 201);
        assertStatus(replies.get(3), 200);
        assertThat(wire.size()).as("nothing left to send").isEqualTo(2);
    }

    @Test
    void aBatchWithoutALeaseCarriesNoLeaseHeader() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        queued.forEach(b -> put(batcher, NODE, b, null));
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(1), NODE, queued, null);
    }

    @Test
    void writesThatArriveWhileABatchIsInFlightMakeTheNextBatch() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> round1 = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies1 = round1.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        List<Block> round2 = blocks(5, 200);
        List<CompletableFuture<HttpReply>> replies2 = round2.stream().map(b -> put(batcher, NODE, b, null)).toList();
        assertThat(wire.size()).isEqualTo(2);
        wire.get(1).answerBatch();
        replies1.forEach(r -> assertStatus(r, 201));
        assertThat(wire.size()).isEqualTo(3);
        assertBatch(wire.get(2), NODE, round2, null);
        wire.get(2).answerBatch();
        replies2.forEach(r -> assertStatus(r, 201));
    }

    @Test
    void aLoneQueuedWriteLeavesAsASinglePut() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        Block b = block(20);
        CompletableFuture<HttpReply> reply = put(batcher, NODE, b, null);
        wire.get(0).reply().complete(status(201));
        assertSinglePut(wire.get(1), NODE, b, null);
        wire.get(1).reply().complete(status(201));
        assertStatus(reply, 201);
    }

    @Test
    void eachNodeHasItsOwnQueue() {
        WriteBatcher batcher = batcher();
        Block a = block(10);
        Block b = block(10);
        put(batcher, NODE, a, null);
        put(batcher, OTHER, b, null);
        assertThat(wire.size()).as("a busy node does not hold back another").isEqualTo(2);
        assertSinglePut(wire.get(0), NODE, a, null);
        assertSinglePut(wire.get(1), OTHER, b, null);
        List<Block> forNode = blocks(2, 30);
        List<Block> forOther = blocks(3, 30);
        forNode.forEach(x -> put(batcher, NODE, x, null));
        forOther.forEach(x -> put(batcher, OTHER, x, null));
        wire.get(1).reply().complete(status(201));
        assertBatch(wire.get(2), OTHER, forOther, null);
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(3), NODE, forNode, null);
    }

    @Test
    void withTwoInFlightTheThirdWriteWaits() {
        WriteBatcher batcher = batcher(2, 64, 1 << 20);
        Block a = block(10);
        Block b = block(10);
        put(batcher, NODE, a, null);
        put(batcher, NODE, b, null);
        assertThat(wire.size()).isEqualTo(2);
        List<Block> queued = blocks(3, 10);
        queued.forEach(x -> put(batcher, NODE, x, null));
        assertThat(wire.size()).isEqualTo(2);
        wire.get(1).reply().complete(status(201));
        assertBatch(wire.get(2), NODE, queued, null);
        // two in flight again (the first single and the batch): the next waits
        Block late = block(10);
        put(batcher, NODE, late, null);
        assertThat(wire.size()).isEqualTo(3);
        wire.get(0).reply().complete(status(201));
        assertSinglePut(wire.get(3), NODE, late, null);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 503, 507})
    void aWholeBatchErrorIsEveryBlocksReply(int errorStatus) {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(4, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        byte[] body = ("{\"error\":\"" + ErrorCode.ofStatus(errorStatus).wireCode() + "\",\"message\":\"the node is busy\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpReply error = new HttpReply(errorStatus, Map.of("retry-after", "1"), body);
        wire.get(1).reply().complete(error);
        for (CompletableFuture<HttpReply> r : replies) {
            assertThat(r).as("status %d, seed %d", errorStatus, SEED).isCompletedWithValue(error);
        }
        assertThat(wire.size()).as("status %d: nothing resent", errorStatus).isEqualTo(2);
        // the queue goes on
        Block next = block(10);
        CompletableFuture<HttpReply> nextReply = put(batcher, NODE, next, null);
        assertSinglePut(wire.get(2), NODE, next, null);
        wire.get(2).reply().complete(status(201));
        assertStatus(nextReply, 201);
    }

    /**
     * A batch refused as a whole for what is in it (400 malformed, 413 too much, 422 a block that
     * does not hash to its address) is resent as one PUT per block, so each block gets its own
     * answer; the node keeps getting batches afterwards (it knows the route).
     */
    @ParameterizedTest
    @ValueSource(ints = {400, 413, 422})
    void aBatchRefusedForWhatIsInItIsResentSinglyAndEachBlockGetsItsOwnAnswer(int errorStatus) {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), "60");
        List<Block> queued = blocks(4, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, "60")).toList();
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(1), NODE, queued, "60");
        byte[] body = ("{\"error\":\"" + ErrorCode.ofStatus(errorStatus).wireCode() + "\",\"message\":\"block 2 of the batch\"}")
                .getBytes(StandardCharsets.UTF_8);
        wire.get(1).reply(errorStatus, body);

        assertThat(wire.size()).as("status %d: the batch's blocks are sent again, one PUT each", errorStatus).isEqualTo(6);
        for (int i = 0; i < queued.size(); i++) {
            assertSinglePut(wire.get(2 + i), NODE, queued.get(i), "60");
        }
        replies.forEach(r -> assertThat(r).as("status %d: not the batch's answer", errorStatus).isNotDone());
        // later writes wait while the single PUTs are out (one request slot, taken by the resend)
        Block late = block(10);
        CompletableFuture<HttpReply> lateReply = put(batcher, NODE, late, "60");
        assertThat(wire.size()).isEqualTo(6);

        HttpReply bad = new HttpReply(errorStatus, Map.of(), body);
        wire.get(2).reply().complete(status(201));
        wire.get(3).reply().complete(status(200));
        wire.get(5).reply().complete(status(201));
        assertStatus(replies.get(0), 201);
        assertStatus(replies.get(1), 200);
        assertStatus(replies.get(3), 201);
        assertThat(replies.get(2)).isNotDone();
        assertThat(wire.size()).as("the queue waits for every single PUT of the resend").isEqualTo(6);
        wire.get(4).reply().complete(bad);
        assertThat(replies.get(2)).as("status %d: the bad block alone gets the error", errorStatus).isCompletedWithValue(bad);

        // the queue goes on, and the node is still sent batches
        assertThat(wire.size()).isEqualTo(7);
        assertSinglePut(wire.get(6), NODE, late, "60");
        List<Block> more = blocks(2, 50);
        more.forEach(b -> put(batcher, NODE, b, null));
        wire.get(6).reply().complete(status(201));
        assertStatus(lateReply, 201);
        assertBatch(wire.get(7), NODE, more, null);
    }

    /** The singly resent blocks of a refused batch can fail on their own, each with its own failure. */
    @Test
    void aFailedSinglePutOfAResentBatchFailsThatBlockOnly() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        wire.get(1).reply(413, "{\"error\":\"too_large\",\"message\":\"more than the node takes\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(wire.size()).isEqualTo(5);
        CairnException timeout = new CairnException(ErrorCode.UNAVAILABLE, "timed out");
        wire.get(3).reply().completeExceptionally(timeout);
        wire.get(2).reply().complete(status(201));
        wire.get(4).reply().complete(status(200));
        assertStatus(replies.get(0), 201);
        assertThat(failure(replies.get(1))).isSameAs(timeout);
        assertStatus(replies.get(2), 200);
    }

    @Test
    void aFailedExchangeFailsEveryBlockAndTheQueueGoesOn() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        // more writes arrive while the batch is in flight
        List<Block> later = blocks(2, 100);
        List<CompletableFuture<HttpReply>> laterReplies = later.stream().map(b -> put(batcher, NODE, b, null)).toList();
        CairnException refused = new CairnException(ErrorCode.UNAVAILABLE, "connection refused");
        wire.get(1).reply().completeExceptionally(refused);
        for (CompletableFuture<HttpReply> r : replies) {
            assertThat(failure(r)).isSameAs(refused);
        }
        assertThat(wire.size()).isEqualTo(3);
        assertBatch(wire.get(2), NODE, later, null);
        wire.get(2).answerBatch();
        laterReplies.forEach(r -> assertStatus(r, 201));
    }

    @Test
    void aFailedSinglePutFailsItsBlockOnly() {
        WriteBatcher batcher = batcher();
        CompletableFuture<HttpReply> first = put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(2, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        CairnException timeout = new CairnException(ErrorCode.UNAVAILABLE, "timed out");
        wire.get(0).reply().completeExceptionally(timeout);
        assertThat(failure(first)).isSameAs(timeout);
        assertBatch(wire.get(1), NODE, queued, null);
        wire.get(1).answerBatch();
        replies.forEach(r -> assertStatus(r, 201));
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void aNodeThatDoesNotKnowTheBatchRouteGetsSinglePutsFromThenOn(int status) {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), "never");
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, "never")).toList();
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(1), NODE, queued, "never");
        wire.get(1).reply(status, "{\"error\":\"not_found\",\"message\":\"no route\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(wire.size()).as("status %d: the batch's blocks are sent again, one PUT each", status).isEqualTo(5);
        for (int i = 0; i < 3; i++) {
            assertSinglePut(wire.get(2 + i), NODE, queued.get(i), "never");
        }
        replies.forEach(r -> assertThat(r).as("not the batch's %d", status).isNotDone());
        wire.get(2).reply().complete(status(201));
        wire.get(3).reply().complete(status(200));
        wire.get(4).reply().complete(status(422));
        assertStatus(replies.get(0), 201);
        assertStatus(replies.get(1), 200);
        assertStatus(replies.get(2), 422);

        // later writes to that node: still one request at a time, but what queued leaves as single PUTs
        CompletableFuture<HttpReply> next = put(batcher, NODE, block(10), null);
        assertThat(wire.size()).isEqualTo(6);
        List<Block> more = blocks(3, 50);
        List<CompletableFuture<HttpReply>> moreReplies = more.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(5).reply().complete(status(201));
        assertStatus(next, 201);
        assertThat(wire.size()).isEqualTo(9);
        for (int i = 0; i < 3; i++) {
            assertSinglePut(wire.get(6 + i), NODE, more.get(i), null);
            wire.get(6 + i).reply().complete(status(201));
        }
        moreReplies.forEach(r -> assertStatus(r, 201));

        // another node still gets batches
        put(batcher, OTHER, block(10), null);
        List<Block> forOther = blocks(2, 50);
        forOther.forEach(b -> put(batcher, OTHER, b, null));
        wire.get(9).reply().complete(status(201));
        assertBatch(wire.get(10), OTHER, forOther, null);
    }

    @Test
    void writesWithDifferentLeasesNeverShareABatch() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        String[] leases = {null, "60", null, "never", "60", null, "never", "60"};
        Map<Block, String> leaseOf = new LinkedHashMap<>();
        Map<Block, CompletableFuture<HttpReply>> replies = new HashMap<>();
        for (String lease : leases) {
            Block b = block(100);
            leaseOf.put(b, lease);
            replies.put(b, put(batcher, NODE, b, lease));
        }
        wire.get(0).reply().complete(status(201));
        // one request per lease, in the order of each lease's first write, each in arrival order
        List<Block> all = List.copyOf(leaseOf.keySet());
        List<List<Block>> expected = List.of(
                List.of(all.get(0), all.get(2), all.get(5)),
                List.of(all.get(1), all.get(4), all.get(7)),
                List.of(all.get(3), all.get(6)));
        List<String> expectedLeases = java.util.Arrays.asList(null, "60", "never");
        for (int i = 0; i < expected.size(); i++) {
            assertThat(wire.size()).isEqualTo(2 + i);
            Sent s = wire.get(1 + i);
            assertBatch(s, NODE, expected.get(i), expectedLeases.get(i));
            for (Block b : s.blocks()) {
                assertThat(leaseOf.get(b)).as("seed %d", SEED).isEqualTo(s.lease());
            }
            s.answerBatch();
        }
        assertThat(wire.size()).isEqualTo(4);
        replies.values().forEach(r -> assertStatus(r, 201));
    }

    @Test
    void maxBlocksSplitsTheQueue() {
        WriteBatcher batcher = batcher(1, 3, 1 << 20);
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(7, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(1), NODE, queued.subList(0, 3), null);
        wire.get(1).answerBatch();
        assertBatch(wire.get(2), NODE, queued.subList(3, 6), null);
        wire.get(2).answerBatch();
        assertSinglePut(wire.get(3), NODE, queued.get(6), null);
        wire.get(3).reply().complete(status(201));
        assertThat(wire.size()).isEqualTo(4);
        replies.forEach(r -> assertStatus(r, 201));
    }

    @Test
    void maxBytesSplitsTheQueueAndABlockOverItLeavesAlone() {
        int maxBytes = 3 * BlockBatch.frameBytes(1000);
        WriteBatcher batcher = batcher(1, 64, maxBytes);
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(7, 1000);
        Block huge = block(maxBytes + 1);
        List<CompletableFuture<HttpReply>> replies = new ArrayList<>(queued.stream().map(b -> put(batcher, NODE, b, null)).toList());
        replies.add(put(batcher, NODE, huge, null));
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(1), NODE, queued.subList(0, 3), null);
        assertThat(wire.get(1).call().body().remaining()).isEqualTo(maxBytes);
        wire.get(1).answerBatch();
        assertBatch(wire.get(2), NODE, queued.subList(3, 6), null);
        wire.get(2).answerBatch();
        // the seventh and the huge one do not fit together: the seventh goes alone, then the huge one
        assertSinglePut(wire.get(3), NODE, queued.get(6), null);
        wire.get(3).reply().complete(status(201));
        assertSinglePut(wire.get(4), NODE, huge, null);
        wire.get(4).reply().complete(status(201));
        assertThat(wire.size()).isEqualTo(5);
        replies.forEach(r -> assertStatus(r, 201));
    }

    @Test
    void resultsOfTheWrongLengthFailTheBlocksTheyDoNotAnswer() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        String body = "{\"results\":[" + result(queued.get(0), true) + "," + result(queued.get(1), false) + "]}";
        wire.get(1).reply(200, body.getBytes(StandardCharsets.UTF_8));
        assertStatus(replies.get(0), 201);
        assertStatus(replies.get(1), 200);
        assertThat(failure(replies.get(2)).getMessage()).contains(queued.get(2).address().hex().substring(0, 12));
    }

    @Test
    void aResultForAnotherAddressFailsThatBlock() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        // the node answers the second and third in swapped order
        String body = "{\"results\":[" + result(queued.get(0), true) + "," + result(queued.get(2), true) + ","
                + result(queued.get(1), true) + "]}";
        wire.get(1).reply(200, body.getBytes(StandardCharsets.UTF_8));
        assertStatus(replies.get(0), 201);
        assertThat(failure(replies.get(1)).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failure(replies.get(2)).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{}", "{\"results\":{}}", "{\"results\":[]}", "[1,2,3]"})
    void aReplyWithoutUsableResultsFailsEveryBlock(String body) {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(2, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        wire.get(0).reply().complete(status(201));
        wire.get(1).reply(200, body.getBytes(StandardCharsets.UTF_8));
        for (CompletableFuture<HttpReply> r : replies) {
            assertThat(failure(r).code()).as("body %s", body).isEqualTo(ErrorCode.UNAVAILABLE);
        }
        // and the node is still sent batches
        put(batcher, NODE, block(10), null);
        List<Block> more = blocks(2, 10);
        more.forEach(b -> put(batcher, NODE, b, null));
        wire.get(2).reply().complete(status(201));
        assertBatch(wire.get(3), NODE, more, null);
    }

    @Test
    void aSendThatThrowsFailsTheBlocksItCarries() {
        IllegalStateException closed = new IllegalStateException("transport closed");
        Function<HttpCall, CompletableFuture<HttpReply>> throwing = call -> {
            throw closed;
        };
        WriteBatcher batcher = new WriteBatcher(throwing, TIMEOUT, 1, 64, 1 << 20);
        CompletableFuture<HttpReply> reply = put(batcher, NODE, block(10), null);
        assertThat(reply).isCompletedExceptionally();
        assertThatThrownBy(reply::join).cause().isSameAs(closed);
    }

    /**
     * When the node answers a batch 404 and the single PUTs that replace it cannot be sent (the
     * transport throws), every block of the batch must still get an answer, and the queue goes on.
     */
    @Test
    void aSendThatThrowsDuringTheFallbackStillAnswersEveryBlock() {
        IllegalStateException closed = new IllegalStateException("transport closed");
        List<Sent> sent = new ArrayList<>();
        boolean[] closing = {true};
        Function<HttpCall, CompletableFuture<HttpReply>> closesAfterTheBatch = call -> {
            if (sent.size() >= 2 && closing[0]) {
                throw closed;
            }
            Sent s = new Sent(call, new CompletableFuture<>());
            sent.add(s);
            return s.reply();
        };
        WriteBatcher batcher = new WriteBatcher(closesAfterTheBatch, TIMEOUT, 1, 64, 1 << 20);
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        sent.get(0).reply().complete(status(201));
        assertThat(sent.get(1).isBatch()).isTrue();
        sent.get(1).reply(404, "{\"error\":\"not_found\",\"message\":\"no route\"}".getBytes(StandardCharsets.UTF_8));
        for (CompletableFuture<HttpReply> r : replies) {
            assertThat(r).as("seed %d: a block of the batch is left without an answer", SEED).isCompletedExceptionally();
            assertThatThrownBy(r::join).cause().isSameAs(closed);
        }
        // the request slot was given back: the next write goes at once
        closing[0] = false;
        Block next = block(10);
        CompletableFuture<HttpReply> nextReply = put(batcher, NODE, next, null);
        assertThat(sent).hasSize(3);
        assertSinglePut(sent.get(2), NODE, next, null);
        sent.get(2).reply().complete(status(201));
        assertStatus(nextReply, 201);
    }

    /**
     * A send that throws for one block of a resent batch fails that block only: the PUTs sent
     * before and after it keep their own answers.
     */
    @ParameterizedTest
    @ValueSource(ints = {404, 422})
    void aSendThatThrowsForOneSinglePutFailsThatBlockOnly(int batchStatus) {
        IllegalStateException refused = new IllegalStateException("no connection for this one");
        List<Sent> sent = new ArrayList<>();
        int[] calls = {0};
        Function<HttpCall, CompletableFuture<HttpReply>> throwsOnce = call -> {
            if (++calls[0] == 4) { // the first PUT, the batch, the first resent PUT, then this
                throw refused;
            }
            Sent s = new Sent(call, new CompletableFuture<>());
            sent.add(s);
            return s.reply();
        };
        WriteBatcher batcher = new WriteBatcher(throwsOnce, TIMEOUT, 1, 64, 1 << 20);
        put(batcher, NODE, block(10), null);
        List<Block> queued = blocks(3, 100);
        List<CompletableFuture<HttpReply>> replies = queued.stream().map(b -> put(batcher, NODE, b, null)).toList();
        sent.get(0).reply().complete(status(201));
        assertBatch(sent.get(1), NODE, queued, null);
        sent.get(1).reply(batchStatus, "{\"error\":\"x\",\"message\":\"refused whole\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(calls[0]).as("status %d: every block was tried", batchStatus).isEqualTo(5);
        assertThat(sent).hasSize(4);
        assertSinglePut(sent.get(2), NODE, queued.get(0), null);
        assertSinglePut(sent.get(3), NODE, queued.get(2), null);
        assertThat(replies.get(1)).isCompletedExceptionally();
        assertThatThrownBy(replies.get(1)::join).cause().isSameAs(refused);
        assertThat(replies.get(0)).isNotDone();
        assertThat(replies.get(2)).isNotDone();
        sent.get(2).reply().complete(status(201));
        sent.get(3).reply().complete(status(200));
        assertStatus(replies.get(0), 201);
        assertStatus(replies.get(2), 200);
        // and the queue goes on
        Block next = block(10);
        CompletableFuture<HttpReply> nextReply = put(batcher, NODE, next, null);
        assertThat(sent).hasSize(5);
        sent.get(4).reply().complete(status(201));
        assertStatus(nextReply, 201);
    }

    /**
     * A transport in front of a {@link FakeCluster} that holds every reply until the test lets it
     * go, so that writes queue up behind the requests in flight as they do on a real network.
     */
    static final class HeldTransport implements Transport {
        final FakeCluster cluster;
        final List<Map.Entry<HttpCall, CompletableFuture<HttpReply>>> held = new ArrayList<>();
        final List<HttpCall> calls = new ArrayList<>();

        HeldTransport(FakeCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public synchronized CompletableFuture<HttpReply> exchange(HttpCall call) {
            calls.add(call);
            CompletableFuture<HttpReply> f = new CompletableFuture<>();
            held.add(Map.entry(call, f));
            return f;
        }

        /** Answers every request held so far (not those it causes). */
        void release() {
            List<Map.Entry<HttpCall, CompletableFuture<HttpReply>>> now;
            synchronized (this) {
                now = List.copyOf(held);
                held.clear();
            }
            for (var e : now) {
                cluster.exchange(e.getKey()).whenComplete((r, t) -> {
                    if (t != null) {
                        e.getValue().completeExceptionally(t);
                    } else {
                        e.getValue().complete(r);
                    }
                });
            }
        }

        synchronized long count(String method) {
            return calls.stream().filter(c -> c.method().equals(method)).count();
        }

        @Override
        public void close() {}
    }

    private static BlockClient.BlockWrite write(BlockClient client, FakeCluster cluster, Block b) {
        return client.put(b.address(), ByteBuffer.wrap(b.bytes()), cluster.infos(), null);
    }

    @Test
    void blockClientSendsWritesQueuedBehindABusyNodeAsBatchesAndEveryCopyLands() {
        FakeCluster cluster = new FakeCluster(3, SEED);
        HeldTransport transport = new HeldTransport(cluster);
        BlockClient client = new BlockClient(transport, ReplicationPolicy.DEFAULT, TIMEOUT);
        Block first = block(1000);
        BlockClient.BlockWrite w0 = write(client, cluster, first);
        assertThat(transport.count("PUT")).as("one PUT per replica, at once").isEqualTo(3);
        List<Block> queued = blocks(5, 2000);
        List<BlockClient.BlockWrite> writes = queued.stream().map(b -> write(client, cluster, b)).toList();
        assertThat(transport.calls).hasSize(3);
        transport.release();
        assertThat(w0.acknowledged()).isCompleted();
        assertThat(transport.count("POST")).as("seed %d: one batch per node", SEED).isEqualTo(3);
        transport.release();
        for (int i = 0; i < queued.size(); i++) {
            assertThat(writes.get(i).acknowledged()).as("seed %d block %d", SEED, i).isCompleted();
            assertThat(writes.get(i).settled()).as("seed %d block %d", SEED, i).isCompleted();
            assertThat(cluster.holders(queued.get(i).address())).as("seed %d block %d", SEED, i).hasSize(3);
        }
        assertThat(cluster.nodes.stream().mapToInt(n -> n.puts.get()).sum()).isEqualTo(3 * 6);
        assertThat(transport.calls).as("three single PUTs and three batches").hasSize(6);
    }

    @Test
    void blockClientFallsBackToSinglePutsForANodeWithoutTheBatchRoute() {
        FakeCluster cluster = new FakeCluster(3, SEED + 1);
        FakeCluster.FakeNode old = cluster.nodes.get(1);
        old.batchRoute = false;
        HeldTransport transport = new HeldTransport(cluster);
        BlockClient client = new BlockClient(transport, ReplicationPolicy.DEFAULT, TIMEOUT);
        write(client, cluster, block(100));
        List<Block> queued = blocks(4, 300);
        List<BlockClient.BlockWrite> writes = queued.stream().map(b -> write(client, cluster, b)).toList();
        for (int guard = 0; guard < 10 && !transport.held.isEmpty(); guard++) {
            transport.release();
        }
        assertThat(transport.held).isEmpty();
        for (int i = 0; i < queued.size(); i++) {
            assertThat(writes.get(i).settled()).as("seed %d block %d", SEED + 1, i).isCompleted();
            assertThat(cluster.holders(queued.get(i).address())).as("seed %d block %d", SEED + 1, i).hasSize(3);
        }
        assertThat(old.batches.get()).as("asked once, then single PUTs").isEqualTo(1);
        // later queued writes to the old node go as PUTs, while the others still get batches
        write(client, cluster, block(100));
        List<Block> more = blocks(3, 300);
        more.forEach(b -> write(client, cluster, b));
        for (int guard = 0; guard < 10 && !transport.held.isEmpty(); guard++) {
            transport.release();
        }
        assertThat(old.batches.get()).isEqualTo(1);
        assertThat(cluster.nodes.get(0).batches.get()).isEqualTo(2);
        assertThat(cluster.nodes.get(2).batches.get()).isEqualTo(2);
        more.forEach(b -> assertThat(cluster.holders(b.address())).hasSize(3));
    }

    /**
     * A batch with one block whose bytes do not hash to its address is refused whole (422) by each
     * node; the batcher resends it singly, so the good blocks land on every replica and are
     * acknowledged, and only the bad one fails, with HASH_MISMATCH.
     */
    @Test
    void blockClientAcknowledgesTheGoodBlocksOfABatchWithAMismatchedBlockAndFailsOnlyThatOne() {
        FakeCluster cluster = new FakeCluster(3, SEED + 2);
        HeldTransport transport = new HeldTransport(cluster);
        BlockClient client = new BlockClient(transport, ReplicationPolicy.DEFAULT, TIMEOUT);
        BlockClient.BlockWrite w0 = write(client, cluster, block(100));
        Block good = block(300);
        Block bad = new Block(block(300).address(), block(300).bytes()); // bytes that are not its address's
        Block alsoGood = block(500);
        BlockClient.BlockWrite goodWrite = write(client, cluster, good);
        BlockClient.BlockWrite badWrite = write(client, cluster, bad);
        BlockClient.BlockWrite alsoGoodWrite = write(client, cluster, alsoGood);
        for (int guard = 0; guard < 10 && !transport.held.isEmpty(); guard++) {
            transport.release();
        }
        assertThat(transport.held).isEmpty();
        assertThat(w0.acknowledged()).isCompleted();
        assertThat(transport.count("POST")).as("seed %d: one batch per node", SEED + 2).isEqualTo(3);
        for (FakeCluster.FakeNode n : cluster.nodes) {
            assertThat(n.batches.get()).as("seed %d", SEED + 2).isEqualTo(1);
        }
        // the first write, then each of the three queued blocks resent as its own PUT, on each node
        assertThat(transport.count("PUT")).as("seed %d", SEED + 2).isEqualTo(3 * 4);

        assertThat(badWrite.acknowledged()).isCompletedExceptionally();
        assertThatThrownBy(badWrite.acknowledged()::join).cause().isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
        assertThat(badWrite.settled()).isDone();
        assertThat(cluster.holders(bad.address())).isEmpty();
        for (var entry : Map.of(good, goodWrite, alsoGood, alsoGoodWrite).entrySet()) {
            Block b = entry.getKey();
            assertThat(entry.getValue().acknowledged()).as("seed %d %s", SEED + 2, b).isCompleted();
            assertThat(entry.getValue().settled()).as("seed %d %s", SEED + 2, b).isCompleted();
            assertThat(entry.getValue().settled().join()).as("seed %d %s", SEED + 2, b).hasSize(3);
            assertThat(cluster.holders(b.address())).as("seed %d %s", SEED + 2, b).hasSize(3);
            cluster.holders(b.address()).forEach(n -> assertThat(n.blocks.get(b.address())).isEqualTo(b.bytes()));
        }
    }

    private static String result(Block b, boolean created) {
        return "{\"address\":\"" + b.address().hex() + "\",\"size\":" + b.bytes().length + ",\"created\":" + created + "}";
    }

    @Test
    void theCallersBufferIsNotMoved() {
        WriteBatcher batcher = batcher();
        put(batcher, NODE, block(10), null);
        Block b = block(100);
        Block c = block(100);
        ByteBuffer bb = ByteBuffer.wrap(b.bytes());
        ByteBuffer cb = ByteBuffer.wrap(c.bytes());
        batcher.put(NODE, b.address(), bb, null);
        batcher.put(NODE, c.address(), cb, null);
        wire.get(0).reply().complete(status(201));
        assertBatch(wire.get(1), NODE, List.of(b, c), null);
        assertThat(bb.position()).isZero();
        assertThat(cb.position()).isZero();
    }

    /**
     * Many writes with random sizes, leases and nodes, answered in random order: every block is
     * sent exactly once and answered with its own result, no node ever has more than maxInFlight
     * requests open, and every request respects the limits and carries one lease.
     */
    @Test
    void randomTrafficKeepsEveryRule() {
        for (int round = 0; round < 20; round++) {
            long seed = SEED + round;
            SplittableRandom r = new SplittableRandom(seed);
            Wire w = new Wire();
            int maxInFlight = 1 + r.nextInt(3);
            int maxBlocks = 1 + r.nextInt(8);
            int maxBytes = BlockBatch.frameBytes(200) * (1 + r.nextInt(6));
            WriteBatcher batcher = new WriteBatcher(w, TIMEOUT, maxInFlight, maxBlocks, maxBytes);
            List<URI> nodes = List.of(NODE, OTHER);
            String[] leases = {null, "60", "never"};
            Map<Block, CompletableFuture<HttpReply>> replies = new LinkedHashMap<>();
            Map<Block, String> leaseOf = new HashMap<>();
            Map<Block, URI> nodeOf = new HashMap<>();
            Map<Block, Boolean> created = new HashMap<>();
            Set<Block> seen = new HashSet<>();
            int checked = 0;
            int batches = 0;
            for (int step = 0; step < 400; step++) {
                List<Sent> open = w.unanswered();
                if (open.isEmpty() || r.nextInt(3) > 0 && replies.size() < 200) {
                    byte[] bytes = new byte[r.nextInt(400)];
                    r.nextBytes(bytes);
                    Block b = new Block(Address.of(bytes), bytes);
                    if (replies.containsKey(b)) {
                        continue;
                    }
                    URI node = nodes.get(r.nextInt(nodes.size()));
                    String lease = leases[r.nextInt(leases.length)];
                    leaseOf.put(b, lease);
                    nodeOf.put(b, node);
                    created.put(b, r.nextBoolean());
                    replies.put(b, batcher.put(node, b.address(), ByteBuffer.wrap(bytes), lease));
                } else {
                    Sent s = open.get(r.nextInt(open.size()));
                    List<Block> carried = s.blocks();
                    boolean[] flags = new boolean[carried.size()];
                    for (int i = 0; i < flags.length; i++) {
                        flags[i] = created.get(carried.get(i));
                    }
                    if (s.isBatch()) {
                        s.answerBatch(flags);
                    } else {
                        s.reply().complete(status(flags[0] ? 201 : 200));
                    }
                }
                // check every call sent since the last step
                for (; checked < w.size(); checked++) {
                    Sent s = w.get(checked);
                    List<Block> carried = s.blocks();
                    URI node = URI.create(s.call().uri().getScheme() + "://" + s.call().uri().getAuthority());
                    assertThat(carried.size()).as("seed %d", seed).isBetween(1, maxBlocks);
                    if (s.isBatch()) {
                        batches++;
                        assertThat(carried).as("seed %d", seed).hasSizeGreaterThan(1);
                        assertThat(s.call().body().remaining()).as("seed %d", seed).isLessThanOrEqualTo(maxBytes);
                    }
                    for (Block b : carried) {
                        assertThat(seen.add(b)).as("seed %d: %s sent twice", seed, b).isTrue();
                        assertThat(nodeOf.get(b)).as("seed %d", seed).isEqualTo(node);
                        assertThat(Objects.equals(leaseOf.get(b), s.lease())).as("seed %d: lease of %s", seed, b).isTrue();
                    }
                }
                for (URI node : nodes) {
                    long inFlight = w.unanswered().stream().filter(s -> s.call().uri().getPort() == node.getPort()).count();
                    assertThat(inFlight).as("seed %d step %d", seed, step).isLessThanOrEqualTo(maxInFlight);
                }
            }
            // drain
            for (int guard = 0; guard < 10_000 && !w.unanswered().isEmpty(); guard++) {
                Sent s = w.unanswered().getFirst();
                if (s.isBatch()) {
                    List<Block> carried = s.blocks();
                    boolean[] flags = new boolean[carried.size()];
                    for (int i = 0; i < flags.length; i++) {
                        flags[i] = created.get(carried.get(i));
                    }
                    s.answerBatch(flags);
                } else {
                    s.reply().complete(status(created.get(s.blocks().getFirst()) ? 201 : 200));
                }
            }
            assertThat(w.unanswered()).as("seed %d", seed).isEmpty();
            if (maxBlocks > 1) {
                assertThat(batches).as("seed %d: some writes were batched", seed).isPositive();
            }
            assertThat(seen).as("seed %d: every block sent", seed).containsExactlyInAnyOrderElementsOf(replies.keySet());
            for (var e : replies.entrySet()) {
                assertStatusWithSeed(e.getValue(), created.get(e.getKey()) ? 201 : 200, seed);
            }
        }
    }

    private static void assertStatusWithSeed(CompletableFuture<HttpReply> reply, int status, long seed) {
        assertThat(reply).as("seed %d", seed).isCompleted();
        assertThat(reply.join().status()).as("seed %d", seed).isEqualTo(status);
    }

    @Test
    void aBatchBodyIsPooledDirectMemoryGivenBackOnceAnswered() {
        long lentBefore = DirectBuffers.SHARED.lentBytes();
        WriteBatcher batcher = batcher();
        List<Block> blocks = blocks(4, 5000);
        List<CompletableFuture<HttpReply>> replies = new ArrayList<>();
        for (Block b : blocks) {
            replies.add(put(batcher, NODE, b, null));
        }
        wire.get(0).reply.complete(status(201)); // the first went alone; the other three wait for it
        Sent batch = wire.last();
        assertThat(batch.isBatch()).isTrue();
        assertThat(batch.call().body().isDirect()).as("seed %d", SEED).isTrue();
        assertThat(batch.blocks()).as("seed %d", SEED).containsExactlyElementsOf(blocks.subList(1, 4));
        assertThat(DirectBuffers.SHARED.lentBytes()).isGreaterThan(lentBefore);
        batch.answerBatch();
        assertThat(DirectBuffers.SHARED.lentBytes()).as("seed %d", SEED).isEqualTo(lentBefore);
        replies.forEach(r -> assertStatus(r, 201));
    }

    @Test
    void aBatchWhoseSendFailedAbandonsItsBodyWhichIsNeverLentAgain() {
        long lentBefore = DirectBuffers.SHARED.lentBytes();
        WriteBatcher batcher = batcher();
        List<Block> blocks = blocks(3, 3000);
        for (Block b : blocks) {
            put(batcher, NODE, b, null);
        }
        wire.get(0).reply.complete(status(201));
        Sent batch = wire.last();
        long memory = java.lang.foreign.MemorySegment.ofBuffer(batch.call().body()).address();
        batch.reply.completeExceptionally(new CairnException(ErrorCode.UNAVAILABLE, "timed out"));
        assertThat(DirectBuffers.SHARED.lentBytes()).as("seed %d", SEED).isEqualTo(lentBefore);
        try (DirectBuffers.Lent next = DirectBuffers.SHARED.acquire(batch.call().body().remaining())) {
            assertThat(java.lang.foreign.MemorySegment.ofBuffer(next.bytes()).address()).as("seed %d", SEED).isNotEqualTo(memory);
        }
    }

    @Test
    void aSendThatThrowsGivesTheBodyUpAndFailsItsBlocks() {
        long lentBefore = DirectBuffers.SHARED.lentBytes();
        int[] calls = {0};
        WriteBatcher batcher = new WriteBatcher(call -> {
            if (calls[0]++ == 0) {
                return wire.apply(call);
            }
            throw new IllegalStateException("transport closed");
        }, TIMEOUT, 1, WriteBatcher.DEFAULT_MAX_BLOCKS, WriteBatcher.DEFAULT_MAX_BYTES);
        List<Block> blocks = blocks(3, 2000);
        List<CompletableFuture<HttpReply>> replies = new ArrayList<>();
        for (Block b : blocks) {
            replies.add(put(batcher, NODE, b, null));
        }
        wire.get(0).reply.complete(status(201));
        assertThat(replies.get(1)).isCompletedExceptionally();
        assertThat(replies.get(2)).isCompletedExceptionally();
        assertThat(DirectBuffers.SHARED.lentBytes()).as("seed %d", SEED).isEqualTo(lentBefore);
    }
}
