package io.cairn.node.storage;

import static io.cairn.node.Http.at;
import static io.cairn.node.Http.get;
import static io.cairn.node.Http.send;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.BlockBatch;
import io.cairn.core.BlockReads;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import io.cairn.node.ManualClock;
import io.cairn.node.TestNodes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /blocks/read}, the read batch ({@link BlockReads}), against a real node over HTTP:
 * every block asked answered in request order, byte for byte, ABSENT where a GET would be a 404;
 * hostile requests refused whole. Only the HTTP behaviour is tested, not how the node reads.
 */
class BatchReadTest {
    private static final long BASE_SEED = 0x7eadb10cL;
    @TempDir
    static Path dir;
    static CairnNode node;
    static URI url;
    /** Per test, so that tests sharing the node never store the same blocks. */
    private long seed;
    private SplittableRandom random;

    @BeforeAll
    static void start() {
        node = CairnNode.start(TestNodes.config(dir.resolve("n0"), List.of()).withCapacityBytes(1L << 30));
        url = node.url();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void seed(TestInfo test) {
        seed = BASE_SEED ^ test.getDisplayName().hashCode();
        random = new SplittableRandom(seed);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** n blocks of random sizes from 1 byte to 64 KiB. */
    private List<byte[]> blocks(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(bytes(1 + random.nextInt(64 * 1024)));
        }
        return out;
    }

    /** Stores the blocks one PUT each, on {@code base}. */
    private void store(URI base, List<byte[]> blocks) {
        for (byte[] b : blocks) {
            HttpResponse<byte[]> r = Http.put(base, "/blocks/" + Address.of(b), b);
            assertThat(r.statusCode()).as("seed %d: %s", seed, text(r)).isIn(200, 201);
        }
    }

    private static byte[] request(List<Address> addresses) {
        ByteBuffer body = BlockReads.request(addresses);
        byte[] out = new byte[body.remaining()];
        body.get(out);
        return out;
    }

    private static HttpRequest.Builder post(URI base, byte[] body) {
        return at(base, "/blocks/read").header("Content-Type", BlockReads.REQUEST_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static HttpResponse<byte[]> read(URI base, List<Address> addresses) {
        return send(post(base, request(addresses)));
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        return Json.MAPPER.readTree(r.body());
    }

    private void assertError(HttpResponse<byte[]> r, int status, String code) {
        assertThat(r.statusCode()).as("seed %d: %s", seed, r.statusCode() == 200 ? "(a 200)" : text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(r).get("error").stringValue()).isEqualTo(code);
        assertThat(json(r).get("message").isString()).isTrue();
    }

    /**
     * Checks a 200 reply to {@code asked} against {@code expected} (null where absent): by the
     * shared parser and again by hand, byte for byte, so that a parser bug cannot hide a node bug.
     */
    private void assertReply(HttpResponse<byte[]> r, List<Address> asked, List<byte[]> expected) {
        assertThat(r.statusCode()).as("seed %d: %s", seed, r.statusCode() == 200 ? "" : text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(BlockReads.REPLY_TYPE);
        int content = expected.stream().mapToInt(b -> b == null ? 0 : b.length).sum();
        int total = BlockReads.tableBytes(asked.size()) + content;
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(total);
        byte[] body = r.body();
        assertThat(body).as("seed %d", seed).hasSize(total);

        ByteBuffer in = ByteBuffer.wrap(body);
        assertThat(in.getInt()).as("the count").isEqualTo(asked.size());
        for (int i = 0; i < asked.size(); i++) {
            byte[] raw = new byte[Address.BYTES];
            in.get(raw);
            assertThat(Address.ofBytes(raw)).as("seed %d entry %d", seed, i).isEqualTo(asked.get(i));
            assertThat(in.getInt()).as("seed %d entry %d", seed, i)
                    .isEqualTo(expected.get(i) == null ? BlockReads.ABSENT : expected.get(i).length);
        }
        for (int i = 0; i < asked.size(); i++) {
            if (expected.get(i) != null) {
                byte[] got = new byte[expected.get(i).length];
                in.get(got);
                assertThat(got).as("seed %d content %d", seed, i).isEqualTo(expected.get(i));
            }
        }
        assertThat(in.hasRemaining()).isFalse();

        List<ByteBuffer> views = BlockReads.parseReply(ByteBuffer.wrap(body), asked);
        for (int i = 0; i < asked.size(); i++) {
            if (expected.get(i) == null) {
                assertThat(views.get(i)).as("seed %d entry %d", seed, i).isNull();
            } else {
                assertThat(asked.get(i).matches(views.get(i).duplicate())).as("seed %d entry %d", seed, i).isTrue();
            }
        }
    }

    private static List<Address> addressesOf(List<byte[]> blocks) {
        return blocks.stream().map(Address::of).toList();
    }

    // ---- what is answered ----

    @Test
    void storedBlocksAreAnsweredInRequestOrderByteForByte() {
        List<byte[]> blocks = blocks(30);
        store(url, blocks);
        assertReply(read(url, addressesOf(blocks)), addressesOf(blocks), blocks);
        // and in another order: the reply follows the request, not the store
        List<byte[]> reversed = new ArrayList<>(blocks);
        java.util.Collections.reverse(reversed);
        assertReply(read(url, addressesOf(reversed)), addressesOf(reversed), reversed);
        // a single block
        assertReply(read(url, List.of(Address.of(blocks.get(7)))), List.of(Address.of(blocks.get(7))), List.of(blocks.get(7)));
    }

    @Test
    void theSameBlockAskedSeveralTimesComesEachTime() {
        List<byte[]> blocks = blocks(3);
        store(url, blocks);
        List<byte[]> asked = List.of(blocks.get(1), blocks.get(0), blocks.get(1), blocks.get(1), blocks.get(2), blocks.get(0));
        assertReply(read(url, addressesOf(asked)), addressesOf(asked), asked);
    }

    @Test
    void absentBlocksAreMinusOneAndTheRestStillCome() {
        List<byte[]> stored = blocks(5);
        store(url, stored);
        byte[] never1 = bytes(100);
        byte[] never2 = bytes(200);
        byte[] never3 = bytes(300);
        // absent first, in the middle, twice in a row, and last
        List<byte[]> asked = List.of(never1, stored.get(0), stored.get(1), never2, never3, stored.get(2), stored.get(3),
                stored.get(4), never1);
        List<byte[]> expected = Arrays.asList(null, stored.get(0), stored.get(1), null, null, stored.get(2), stored.get(3),
                stored.get(4), null);
        assertReply(read(url, addressesOf(asked)), addressesOf(asked), expected);
        for (byte[] b : List.of(never1, never2, never3)) {
            assertThat(get(url, "/blocks/" + Address.of(b)).statusCode()).as("a GET agrees: absent").isEqualTo(404);
        }
    }

    @Test
    void aBatchOfOnlyAbsentBlocksIsJustTheTable() {
        List<byte[]> never = blocks(4);
        assertReply(read(url, addressesOf(never)), addressesOf(never), Arrays.asList(null, null, null, null));
        List<Address> one = List.of(Address.of(bytes(9)));
        assertReply(read(url, one), one, Arrays.asList((byte[]) null));
    }

    @Test
    void theEmptyBlockIsLengthZeroAnywhereInTheBatch() {
        byte[] empty = new byte[0];
        assertThat(Http.put(url, "/blocks/" + Address.of(empty), empty).statusCode()).isIn(200, 201);
        List<byte[]> blocks = blocks(2);
        store(url, blocks);
        byte[] never = bytes(50);
        // alone, first, between, and last (the last present block is empty, absent ones after it)
        for (List<byte[]> asked : List.of(List.of(empty), List.of(empty, blocks.get(0)),
                List.of(blocks.get(0), empty, blocks.get(1)), List.of(blocks.get(0), empty, never, never),
                List.of(empty, empty))) {
            List<byte[]> expected = asked.stream().map(b -> b == never ? null : b).toList();
            assertReply(read(url, addressesOf(asked)), addressesOf(asked), expected);
        }
    }

    @Test
    void theMaximumNumberOfAddressesIsAnswered() {
        List<byte[]> stored = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            stored.add(bytes(1 + random.nextInt(2048)));
        }
        store(url, stored);
        List<Address> asked = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < BlockReads.MAX_ADDRESSES; i++) {
            if (i % 3 == 2) {
                asked.add(Address.of(bytes(8)));
                expected.add(null);
            } else {
                byte[] b = stored.get(random.nextInt(stored.size()));
                asked.add(Address.of(b));
                expected.add(b);
            }
        }
        assertReply(read(url, asked), asked, expected);
    }

    @Test
    void exactlySixteenMebibytesOfContentIsAnswered() {
        List<byte[]> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(bytes(PutBlockRoute.MAX_BLOCK_BYTES));
        }
        store(url, four);
        assertThat(4L * PutBlockRoute.MAX_BLOCK_BYTES).isEqualTo(BlockReads.MAX_REPLY_BYTES);
        // absent blocks and the empty block add nothing to the content
        List<byte[]> asked = new ArrayList<>(four);
        asked.add(2, bytes(10));
        List<byte[]> expected = new ArrayList<>(four);
        expected.add(2, null);
        assertReply(read(url, addressesOf(asked)), addressesOf(asked), expected);
    }

    @Test
    void theContentTypeIsMatchedOnItsMediaTypeInAnyCaseWithParametersIgnored() {
        List<byte[]> blocks = blocks(2);
        store(url, blocks);
        byte[] body = request(addressesOf(blocks));
        for (String right : new String[] {BlockReads.REQUEST_TYPE + "; v=1", "Application/X-Cairn-Addresses",
                "APPLICATION/X-CAIRN-ADDRESSES; V=2", BlockReads.REQUEST_TYPE + " ; v=1", BlockReads.REQUEST_TYPE + ";"}) {
            HttpResponse<byte[]> r = send(at(url, "/blocks/read").header("Content-Type", right)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertReply(r, addressesOf(blocks), blocks);
        }
    }

    /** After a restart nothing is in the node's memory but what the OS caches: every size still comes whole. */
    @Test
    void blocksComeWholeAfterARestartWhateverTheirSize(@TempDir Path own) {
        List<byte[]> blocks = new ArrayList<>(blocks(20));
        blocks.add(bytes(PutBlockRoute.MAX_BLOCK_BYTES));
        blocks.add(new byte[0]);
        blocks.add(bytes(4096));
        blocks.add(bytes(4095));
        blocks.add(bytes(4097));
        blocks.add(bytes(1));
        try (CairnNode n = CairnNode.start(TestNodes.config(own, List.of()))) {
            store(n.url(), blocks);
        }
        try (CairnNode n = CairnNode.start(TestNodes.config(own, List.of()))) {
            byte[] big = blocks.get(20);
            List<byte[]> asked = new ArrayList<>();
            List<byte[]> expected = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                if (random.nextInt(6) == 0) {
                    asked.add(bytes(10));
                    expected.add(null);
                } else {
                    byte[] b = blocks.get(random.nextInt(blocks.size()));
                    b = b == big ? blocks.get(0) : b; // the big one once only, below
                    asked.add(b);
                    expected.add(b);
                }
            }
            int at = random.nextInt(asked.size() + 1);
            asked.add(at, big);
            expected.add(at, big);
            assertReply(read(n.url(), addressesOf(asked)), addressesOf(asked), expected);
            // and the same blocks one GET each agree
            for (byte[] b : blocks) {
                assertThat(get(n.url(), "/blocks/" + Address.of(b)).body()).as("seed %d", seed).isEqualTo(b);
            }
        }
    }

    // ---- leases and removal ----

    @Test
    void aReadRenewsTheLeaseOfEveryBlockItServesAsAGetDoes(@TempDir Path own) {
        ManualClock clock = new ManualClock(Instant.now());
        try (CairnNode n = CairnNode.startWithClock(TestNodes.config(own, List.of()), clock)) {
            List<byte[]> blocks = blocks(3);
            for (byte[] b : blocks) {
                assertThat(send(at(n.url(), "/blocks/" + Address.of(b)).header("X-Cairn-Lease", "60")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(b))).statusCode()).isEqualTo(201);
            }
            long now = clock.now().getEpochSecond();
            for (byte[] b : blocks) {
                assertThat(n.store().lease(Address.of(b)).orElseThrow().expiresEpochSecond()).isEqualTo(now + 60);
            }
            clock.advance(Duration.ofSeconds(30));
            // blocks 0 and 2 read in a batch (with an absent one), block 1 not read at all
            List<Address> asked = List.of(Address.of(blocks.get(0)), Address.of(bytes(5)), Address.of(blocks.get(2)));
            assertReply(read(n.url(), asked), asked, Arrays.asList(blocks.get(0), null, blocks.get(2)));
            long renewed = Lease.defaultFrom(clock.now()).expiresEpochSecond();
            assertThat(n.store().lease(Address.of(blocks.get(0))).orElseThrow().expiresEpochSecond()).isEqualTo(renewed);
            assertThat(n.store().lease(Address.of(blocks.get(2))).orElseThrow().expiresEpochSecond()).isEqualTo(renewed);
            assertThat(n.store().lease(Address.of(blocks.get(1))).orElseThrow().expiresEpochSecond())
                    .as("not asked, not renewed").isEqualTo(now + 60);

            // past block 1's lease: absent in a batch as in a GET, the others still served
            clock.advance(Duration.ofSeconds(31));
            List<Address> again = addressesOf(blocks);
            assertReply(read(n.url(), again), again, Arrays.asList(blocks.get(0), null, blocks.get(2)));
            assertThat(get(n.url(), "/blocks/" + Address.of(blocks.get(1))).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aRefusedBatchRenewsNothing(@TempDir Path own) {
        ManualClock clock = new ManualClock(Instant.now());
        try (CairnNode n = CairnNode.startWithClock(TestNodes.config(own, List.of()), clock)) {
            List<byte[]> big = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                big.add(bytes(PutBlockRoute.MAX_BLOCK_BYTES));
            }
            for (byte[] b : big) {
                assertThat(send(at(n.url(), "/blocks/" + Address.of(b)).header("X-Cairn-Lease", "60")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(b))).statusCode()).isEqualTo(201);
            }
            long until = clock.now().getEpochSecond() + 60;
            assertError(read(n.url(), addressesOf(big)), 413, "too_large");
            for (byte[] b : big) {
                assertThat(n.store().lease(Address.of(b)).orElseThrow().expiresEpochSecond())
                        .as("seed %d: refused whole, nothing read", seed).isEqualTo(until);
            }
        }
    }

    @Test
    void aDeletedBlockIsAbsent() {
        List<byte[]> blocks = blocks(3);
        store(url, blocks);
        Address victim = Address.of(blocks.get(1));
        HttpResponse<byte[]> deleted = send(at(url, "/internal/blocks/" + victim).header("Authorization", "Bearer " + TestNodes.KEY)
                .DELETE());
        assertThat(deleted.statusCode()).as(text(deleted)).isEqualTo(204);
        assertReply(read(url, addressesOf(blocks)), addressesOf(blocks), Arrays.asList(blocks.get(0), null, blocks.get(2)));
        // stored again, it comes again
        store(url, List.of(blocks.get(1)));
        assertReply(read(url, addressesOf(blocks)), addressesOf(blocks), blocks);
    }

    // ---- hostile requests ----

    private HttpResponse<byte[]> postAs(String contentType, byte[] body) {
        return send(at(url, "/blocks/read").header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Test
    void aWrongOrMissingContentTypeIs400() {
        List<byte[]> blocks = blocks(2);
        store(url, blocks);
        byte[] body = request(addressesOf(blocks));
        for (String wrong : new String[] {"application/octet-stream", "application/json", BlockBatch.CONTENT_TYPE,
                BlockReads.REPLY_TYPE, BlockReads.REQUEST_TYPE + "-v2", "x" + BlockReads.REQUEST_TYPE, "application/x-cairn",
                "; " + BlockReads.REQUEST_TYPE, ""}) {
            HttpResponse<byte[]> r = postAs(wrong, body);
            assertError(r, 400, "bad_request");
            assertThat(json(r).get("message").stringValue()).as(wrong).contains(BlockReads.REQUEST_TYPE);
        }
        // no Content-Type at all: the JDK client sends none unless told; and a raw request to be sure
        assertError(send(at(url, "/blocks/read").POST(HttpRequest.BodyPublishers.ofByteArray(body))), 400, "bad_request");
        String raw = Http.raw(url, "POST /blocks/read HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assertThat(Http.rawStatus(raw)).as(raw).isEqualTo(400);
        assertThat(raw).contains("bad_request");
    }

    @Test
    void anEmptyOrRaggedBodyIs400() {
        List<byte[]> blocks = blocks(2);
        store(url, blocks);
        byte[] body = request(addressesOf(blocks));
        assertError(send(post(url, new byte[0])), 400, "bad_request");
        for (int size : new int[] {1, 31, 33, 63, 65}) {
            byte[] ragged = Arrays.copyOf(body, size);
            HttpResponse<byte[]> r = send(post(url, ragged));
            assertError(r, 400, "bad_request");
            assertThat(json(r).get("message").stringValue()).as("size %d", size).contains(Integer.toString(size));
        }
        // two good addresses and one byte more
        assertError(send(post(url, Arrays.copyOf(body, body.length + 1))), 400, "bad_request");
        // after all that, the node still answers a good batch
        assertReply(send(post(url, body)), addressesOf(blocks), blocks);
    }

    @Test
    void moreThanTheMaximumAddressesIs413() {
        List<byte[]> blocks = blocks(2);
        store(url, blocks);
        ByteBuffer over = ByteBuffer.allocate((BlockReads.MAX_ADDRESSES + 1) * Address.BYTES);
        for (int i = 0; i <= BlockReads.MAX_ADDRESSES; i++) {
            Address.of(blocks.get(i % 2)).writeTo(over);
        }
        assertError(send(post(url, over.array())), 413, "too_large");
        // exactly the maximum is fine (see theMaximumNumberOfAddressesIsAnswered); 1025 is not, even all absent
        ByteBuffer absent = ByteBuffer.allocate((BlockReads.MAX_ADDRESSES + 1) * Address.BYTES);
        for (int i = 0; i <= BlockReads.MAX_ADDRESSES; i++) {
            Address.of(bytes(4)).writeTo(absent);
        }
        assertError(send(post(url, absent.array())), 413, "too_large");
    }

    /**
     * A body over the request limit is refused on its declared length, without being buffered. A
     * node drops (reads and discards) a refused body of up to 8 MiB before it answers, so that the
     * client sees the 413 rather than a reset (CairnHandler's drain); a larger declared body is not
     * waited for at all.
     */
    @Test
    void anOversizedBodyIs413() {
        int size = 1 << 20;
        // declared and sent
        String sent = Http.raw(url, "POST /blocks/read HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                + BlockReads.REQUEST_TYPE + "\r\nContent-Length: " + size + "\r\n\r\n" + "\0".repeat(size));
        assertThat(Http.rawStatus(sent)).as(sent).isEqualTo(413);
        assertThat(sent).contains("too_large");
        // declared beyond what a node drains, and never sent: answered at once, nothing waited for
        String raw = Http.raw(url, "POST /blocks/read HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                + BlockReads.REQUEST_TYPE + "\r\nContent-Length: " + (9 << 20) + "\r\n\r\n");
        assertThat(Http.rawStatus(raw)).as(raw).isEqualTo(413);
        assertThat(raw).contains("too_large");
        // a declared length far beyond any body
        String huge = Http.raw(url, "POST /blocks/read HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                + BlockReads.REQUEST_TYPE + "\r\nContent-Length: 999999999999\r\n\r\n");
        assertThat(Http.rawStatus(huge)).as(huge).isIn(400, 413);
        // chunked: counted as it arrives
        byte[] body = new byte[size];
        HttpResponse<byte[]> chunked = send(at(url, "/blocks/read").header("Content-Type", BlockReads.REQUEST_TYPE)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
        assertError(chunked, 413, "too_large");
        // sent whole with its length
        assertError(send(post(url, body)), 413, "too_large");
        // and the node still answers
        List<Address> one = List.of(Address.of(bytes(3)));
        assertReply(read(url, one), one, Arrays.asList((byte[]) null));
    }

    @Test
    void blocksAddingUpToMoreThanSixteenMebibytesAre413() {
        int max = PutBlockRoute.MAX_BLOCK_BYTES;
        assertThat(max).as("the largest block a node accepts").isEqualTo(BlockBatch.MAX_BLOCK_BYTES);
        List<byte[]> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(bytes(max));
        }
        byte[] small = bytes(1);
        store(url, five);
        store(url, List.of(small));
        // five of the largest
        HttpResponse<byte[]> r = read(url, addressesOf(five));
        assertError(r, 413, "too_large");
        assertThat(json(r).get("message").stringValue()).contains(Integer.toString(BlockReads.MAX_REPLY_BYTES));
        // four of the largest and one byte
        List<byte[]> fourAndOne = new ArrayList<>(five.subList(0, 4));
        fourAndOne.add(small);
        assertError(read(url, addressesOf(fourAndOne)), 413, "too_large");
        // the same largest block five times: duplicates count each time
        List<Address> same = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            same.add(Address.of(five.getFirst()));
        }
        assertError(read(url, same), 413, "too_large");
        // many small blocks past the limit: 1024 addresses of the same 16 KiB + 1 block
        byte[] mid = bytes(16 * 1024 + 1);
        store(url, List.of(mid));
        List<Address> many = new ArrayList<>();
        for (int i = 0; i < BlockReads.MAX_ADDRESSES; i++) {
            many.add(Address.of(mid));
        }
        assertError(read(url, many), 413, "too_large");
        // and the node still answers a batch within the limit
        List<byte[]> ok = List.of(five.get(4), small);
        assertReply(read(url, addressesOf(ok)), addressesOf(ok), ok);
    }

    @Test
    void getAndHeadOfBlocksReadAreNotTheBatch() {
        // "read" is not an address: GET /blocks/{address} refuses it as such
        HttpResponse<byte[]> g = get(url, "/blocks/read");
        assertError(g, 400, "bad_request");
        assertThat(g.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).doesNotContain(BlockReads.REPLY_TYPE));
        HttpResponse<byte[]> h = Http.head(url, "/blocks/read");
        assertThat(h.statusCode()).isEqualTo(400);
        assertThat(h.body()).isEmpty();
        // other methods on the batch's path
        HttpResponse<byte[]> del = send(at(url, "/blocks/read").DELETE());
        assertThat(del.statusCode()).as(text(del)).isIn(400, 405);
        HttpResponse<byte[]> put = send(at(url, "/blocks/read").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[32])));
        assertThat(put.statusCode()).as(text(put)).isIn(400, 405);
        assertThat(text(put)).contains("\"error\"");
        // a trailing slash or a deeper path is not the batch either
        List<byte[]> blocks = blocks(1);
        store(url, blocks);
        byte[] body = request(addressesOf(blocks));
        for (String path : new String[] {"/blocks/read/", "/blocks/read/x", "/blocks/reads", "/Blocks/read"}) {
            HttpResponse<byte[]> r = send(at(url, path).header("Content-Type", BlockReads.REQUEST_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertThat(r.statusCode()).as(path + ": " + text(r)).isIn(400, 404, 405);
            assertThat(r.headers().firstValue("content-type").orElse("")).as(path).doesNotContain(BlockReads.REPLY_TYPE);
        }
    }

    @Test
    void theBatchIsPublicAndAKeyChangesNothing() {
        List<byte[]> blocks = blocks(3);
        store(url, blocks);
        byte[] body = request(addressesOf(blocks));
        assertReply(send(post(url, body)), addressesOf(blocks), blocks);
        assertReply(send(post(url, body).header("Authorization", "Bearer " + TestNodes.KEY)), addressesOf(blocks), blocks);
    }

    @Test
    void manyBatchesAtOnceAreEachAnsweredWhole() throws Exception {
        List<byte[]> blocks = blocks(64);
        store(url, blocks);
        int batches = 16;
        List<java.util.concurrent.CompletableFuture<Void>> all = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int k = 0; k < batches; k++) {
                List<byte[]> asked = new ArrayList<>();
                List<byte[]> expected = new ArrayList<>();
                for (int i = 0; i < 1 + random.nextInt(40); i++) {
                    if (random.nextInt(5) == 0) {
                        asked.add(bytes(7));
                        expected.add(null);
                    } else {
                        byte[] b = blocks.get(random.nextInt(blocks.size()));
                        asked.add(b);
                        expected.add(b);
                    }
                }
                all.add(java.util.concurrent.CompletableFuture.runAsync(
                        () -> assertReply(read(url, addressesOf(asked)), addressesOf(asked), expected), pool));
            }
            java.util.concurrent.CompletableFuture.allOf(all.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Clients that hang up in the middle of large replies leave the node answering the next ones whole. */
    @Test
    void repliesAbandonedHalfWayDoNotSpoilLaterOnes() throws Exception {
        List<byte[]> big = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            big.add(bytes(PutBlockRoute.MAX_BLOCK_BYTES));
        }
        List<byte[]> small = blocks(40);
        store(url, big);
        store(url, small);
        // a reply of the whole 16 MiB: four of the largest blocks
        List<byte[]> all = big;
        byte[] body = request(addressesOf(all));
        String head = "POST /blocks/read HTTP/1.1\r\nHost: x\r\nContent-Type: " + BlockReads.REQUEST_TYPE
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        for (int round = 0; round < 24; round++) {
            try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                out.write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                byte[] some = new byte[1 + random.nextInt(64 * 1024)];
                int got = socket.getInputStream().readNBytes(some, 0, some.length);
                assertThat(got).as("seed %d round %d", seed, round).isPositive();
            }
        }
        assertReply(read(url, addressesOf(all)), addressesOf(all), all);
        assertReply(read(url, addressesOf(small)), addressesOf(small), small);
    }

    @Test
    void metricsCountTheBatchUnderItsOwnRoute() {
        List<byte[]> blocks = blocks(1);
        store(url, blocks);
        assertReply(read(url, addressesOf(blocks)), addressesOf(blocks), blocks);
        assertThat(text(get(url, "/metrics")))
                .contains("cairn_http_requests_seconds_count{method=\"POST\",route=\"/blocks/read\",status=\"200\"}");
    }
}
