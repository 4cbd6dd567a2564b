package io.cairn.node.storage;

import static io.cairn.node.Http.at;
import static io.cairn.node.Http.get;
import static io.cairn.node.Http.head;
import static io.cairn.node.Http.put;
import static io.cairn.node.Http.send;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.core.NodeInfoCodec;
import io.cairn.core.NodeStatus;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import io.cairn.node.TestNodes;
import io.cairn.store.BlockStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The public storage endpoints of one node (SPEC §3.1, §3.7): success paths and bad input. */
class StorageEndpointsTest {
    private static final long SEED = 7_070L;
    @TempDir
    static Path dir;
    static CairnNode node;
    static URI url;
    private final SplittableRandom random = new SplittableRandom(SEED);
    private long blocksBefore;
    private long usedBefore;

    @BeforeAll
    static void start() {
        // A fixed capacity, so /space does not move with the free space of a disk other builds share.
        node = CairnNode.start(TestNodes.config(dir.resolve("n0"), java.util.List.of()).withCapacityBytes(1L << 30));
        url = node.url();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @BeforeEach
    void snapshot() {
        blocksBefore = node.store().blockCount();
        usedBefore = node.store().space().usedBytes();
    }

    private void assertNothingStored() {
        assertThat(node.store().blockCount()).isEqualTo(blocksBefore);
        assertThat(node.store().space().usedBytes()).isEqualTo(usedBefore);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(HttpResponse<byte[]> r, int status, String code) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(r).get("error").stringValue()).isEqualTo(code);
        assertThat(json(r).get("message").isString()).isTrue();
    }

    @Test
    void idHealthAndNodes() {
        HttpResponse<byte[]> id = get(url, "/id");
        assertThat(id.statusCode()).isEqualTo(200);
        assertThat(text(id)).isEqualTo(node.id().hex());
        assertThat(get(url, "/health").statusCode()).isEqualTo(200);
        var nodes = NodeInfoCodec.decodeList(get(url, "/nodes").body());
        assertThat(nodes).hasSize(1);
        assertThat(nodes.getFirst().id()).isEqualTo(node.id());
        assertThat(nodes.getFirst().status()).isEqualTo(NodeStatus.ALIVE);
        assertThat(nodes.getFirst().url()).isEqualTo(url);
    }

    @Test
    void putThenGetAHeadAndRanges() {
        byte[] block = bytes(1000);
        String a = Address.of(block).hex();
        HttpResponse<byte[]> created = put(url, "/blocks/" + a, block);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("address").stringValue()).isEqualTo(a);
        assertThat(put(url, "/blocks/" + a.toUpperCase(), block).statusCode()).as("idempotent, either case").isEqualTo(200);
        assertThat(node.store().blockCount()).isEqualTo(blocksBefore + 1);

        HttpResponse<byte[]> whole = get(url, "/blocks/" + a);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(block);
        assertThat(whole.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(whole.headers().firstValue("etag")).hasValue("\"" + a + "\"");

        HttpResponse<byte[]> h = head(url, "/blocks/" + a);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.headers().firstValueAsLong("content-length")).hasValue(1000);
        assertThat(h.body()).isEmpty();

        HttpResponse<byte[]> part = send(at(url, "/blocks/" + a).header("Range", "bytes=10-19"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("content-range")).hasValue("bytes 10-19/1000");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(block, 10, 20));
        assertThat(send(at(url, "/blocks/" + a).header("Range", "bytes=990-")).body()).isEqualTo(Arrays.copyOfRange(block, 990, 1000));
        assertThat(send(at(url, "/blocks/" + a).header("Range", "bytes=-5")).body()).isEqualTo(Arrays.copyOfRange(block, 995, 1000));
        HttpResponse<byte[]> headPart = send(at(url, "/blocks/" + a).header("Range", "bytes=0-9").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(headPart.statusCode()).isEqualTo(206);
        assertThat(headPart.headers().firstValueAsLong("content-length")).hasValue(10);

        HttpResponse<byte[]> unsatisfiable = send(at(url, "/blocks/" + a).header("Range", "bytes=1000-"));
        assertError(unsatisfiable, 416, "range_not_satisfiable");
        assertThat(unsatisfiable.headers().firstValue("content-range")).hasValue("bytes */1000");
        assertError(send(at(url, "/blocks/" + a).header("Range", "bytes=x-1")), 416, "range_not_satisfiable");
    }

    @Test
    void theLeaseHeaderSetsTheLeaseAndAReadRenewsIt() {
        byte[] block = bytes(100);
        Address a = Address.of(block);
        assertThat(send(at(url, "/blocks/" + a).header("X-Cairn-Lease", "60").PUT(HttpRequest.BodyPublishers.ofByteArray(block)))
                .statusCode()).isEqualTo(201);
        long now = Instant.now().getEpochSecond();
        assertThat(node.store().lease(a).orElseThrow().expiresEpochSecond()).isBetween(now + 50, now + 70);
        assertThat(get(url, "/blocks/" + a).statusCode()).isEqualTo(200);
        assertThat(node.store().lease(a).orElseThrow().expiresEpochSecond())
                .isGreaterThanOrEqualTo(Lease.defaultFrom(Instant.ofEpochSecond(now)).expiresEpochSecond() - LeaseRenewal.SLACK_SECONDS);

        byte[] forever = bytes(100);
        assertThat(send(at(url, "/blocks/" + Address.of(forever)).header("X-Cairn-Lease", "never")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(forever))).statusCode()).isEqualTo(201);
        assertThat(node.store().lease(Address.of(forever)).orElseThrow().isNever()).isTrue();
    }

    @Test
    void badAddressesAre400AndNeverAFile() {
        byte[] block = bytes(10);
        for (String bad : new String[] {"abc", "zz" + Address.of(block).hex().substring(2), Address.of(block).hex() + "00",
                "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2F..%2Fetc%2Fpasswd", "%00"}) {
            HttpResponse<byte[]> r = put(url, "/blocks/" + bad, block);
            assertThat(r.statusCode()).as(bad + ": " + text(r)).isIn(400, 404);
            assertThat(text(r)).as(bad).contains("\"error\"");
            assertThat(get(url, "/blocks/" + bad).statusCode()).as(bad).isIn(400, 404);
        }
        assertError(get(url, "/blocks/" + "0".repeat(63)), 400, "bad_request");
        assertError(get(url, "/blocks/" + "g".repeat(64)), 400, "bad_request");
        for (String path : new String[] {"/blocks/../../etc/passwd", "/blocks/..%2f..%2fetc%2fpasswd",
                "/blocks/%2e%2e/%2e%2e/etc/passwd", "/files/../../../etc/passwd", "/../../../../etc/passwd", "/blocks/%zz",
                "/blocks/%00", "/blocks/a%2Fb"}) {
            String response = Http.raw(url, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(Http.rawStatus(response)).as(path + "\n" + response).isIn(400, 404);
            assertThat(response).as(path).doesNotContain("root:").contains("\"error\"");
        }
        assertNothingStored();
    }

    @Test
    void aBodyThatDoesNotMatchItsAddressIs422AndStoresNothing() {
        byte[] block = bytes(5000);
        byte[] other = bytes(5000);
        assertError(put(url, "/blocks/" + Address.of(other).hex(), block), 422, "hash_mismatch");
        assertThat(get(url, "/blocks/" + Address.of(other).hex()).statusCode()).isEqualTo(404);
        assertThat(node.store().contains(Address.of(block))).isFalse();
        assertNothingStored();
    }

    @Test
    void bodiesAroundTheUpFrontAllocationAreReadWhole() {
        // A declared body is allocated 1 MiB up front and grown as the rest arrives.
        int mib = 1024 * 1024;
        int[] sizes = {mib - 1, mib, mib + 1, 2 * mib + 3, 3 * mib + 7};
        for (int size : sizes) {
            byte[] block = bytes(size);
            String path = "/blocks/" + Address.of(block).hex();
            assertThat(put(url, path, block).statusCode()).as("size %d", size).isEqualTo(201);
            assertThat(get(url, path).body()).as("size %d", size).isEqualTo(block);
        }
        assertThat(node.store().blockCount()).isEqualTo(blocksBefore + sizes.length);
    }

    @Test
    void aSenderThatDeclaresFourMebibytesAndStopsStoresNothing() throws Exception {
        byte[] block = bytes(PutBlockRoute.MAX_BLOCK_BYTES);
        try (java.net.Socket s = new java.net.Socket(url.getHost(), url.getPort())) {
            s.setSoTimeout(10_000);
            var out = s.getOutputStream();
            out.write(("PUT /blocks/" + Address.of(block).hex() + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + block.length
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(block, 0, 3 * 1024 * 1024 / 2); // past the up-front MiB, then gone
            out.flush();
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
        assertThat(get(url, "/blocks/" + Address.of(block).hex()).statusCode()).isEqualTo(404);
        assertNothingStored();
    }

    @Test
    void oversizedBodiesAre413WithOrWithoutContentLength() {
        byte[] big = bytes(PutBlockRoute.MAX_BLOCK_BYTES + 1);
        String a = Address.of(big).hex();
        assertError(put(url, "/blocks/" + a, big), 413, "too_large");
        // Chunked: no Content-Length, counted as it arrives.
        HttpResponse<byte[]> chunked = send(at(url, "/blocks/" + a)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        assertError(chunked, 413, "too_large");
        // A declared length over the limit is refused before any body is sent.
        String raw = Http.raw(url, "PUT /blocks/" + a + " HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n");
        assertThat(Http.rawStatus(raw)).isEqualTo(413);
        // Exactly the limit is fine.
        byte[] max = bytes(PutBlockRoute.MAX_BLOCK_BYTES);
        assertThat(put(url, "/blocks/" + Address.of(max).hex(), max).statusCode()).isEqualTo(201);
        assertThat(node.store().blockCount()).isEqualTo(blocksBefore + 1);
    }

    @Test
    void badLeaseHeaderIs400() {
        byte[] block = bytes(10);
        for (String lease : new String[] {"soon", "-1", "0", "99999999999999"}) {
            assertError(send(at(url, "/blocks/" + Address.of(block)).header("X-Cairn-Lease", lease)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(block))), 400, "bad_request");
        }
        assertNothingStored();
    }

    @Test
    void absentBlocksAre404() {
        String a = Address.of(bytes(10)).hex();
        assertError(get(url, "/blocks/" + a), 404, "not_found");
        assertThat(head(url, "/blocks/" + a).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        assertError(get(url, "/nope"), 404, "not_found");
        // /blocks takes only the write batch (POST, DECISIONS 101); any other method there is a 405
        HttpResponse<byte[]> list = get(url, "/blocks");
        assertError(list, 405, "method_not_allowed");
        assertThat(list.headers().firstValue("allow")).hasValue("POST");
        assertError(get(url, "/blocks/"), 404, "not_found");
        HttpResponse<byte[]> r = send(at(url, "/blocks/" + "a".repeat(64)).DELETE());
        assertError(r, 405, "method_not_allowed");
        assertThat(r.headers().firstValue("allow")).hasValueSatisfying(v -> assertThat(v).contains("GET", "PUT"));
        assertError(send(at(url, "/id").POST(HttpRequest.BodyPublishers.noBody())), 405, "method_not_allowed");
    }

    @Test
    void spaceLoadAndMetrics() {
        byte[] block = bytes(64 * 1024);
        put(url, "/blocks/" + Address.of(block), block);
        JsonNode space = json(get(url, "/space"));
        BlockStore.SpaceReport report = node.store().space();
        assertThat(space.get("capacityBytes").longValue()).isEqualTo(report.capacityBytes());
        assertThat(space.get("usedBytes").longValue()).isEqualTo(report.usedBytes()).isPositive();
        assertThat(space.get("freeBytes").longValue()).isEqualTo(report.freeBytes());
        assertThat(space.get("slots").longValue()).isEqualTo(report.slots());

        JsonNode load = json(get(url, "/load"));
        for (String field : new String[] {"inflight", "requestsPerSecond", "bytesInPerSecond", "bytesOutPerSecond"}) {
            assertThat(load.get(field).isNumber()).as(field).isTrue();
        }
        String metrics = text(get(url, "/metrics"));
        assertThat(metrics)
                .contains("cairn_http_requests_seconds_count{method=\"PUT\",route=\"/blocks/{address}\",status=\"201\"}")
                .contains("cairn_http_received_bytes_total")
                .contains("cairn_http_sent_bytes_total")
                .contains("cairn_blocks_stored")
                .contains("cairn_stored_bytes")
                .contains("cairn_cluster_nodes{status=\"alive\"} 1.0");
    }
}
