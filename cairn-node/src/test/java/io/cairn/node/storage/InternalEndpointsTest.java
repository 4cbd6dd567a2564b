package io.cairn.node.storage;

import static io.cairn.node.Http.at;
import static io.cairn.node.Http.get;
import static io.cairn.node.Http.post;
import static io.cairn.node.Http.put;
import static io.cairn.node.Http.send;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.Lease;
import io.cairn.node.CairnNode;
import io.cairn.node.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The cluster-authenticated endpoints: inventory, delete, leases, pull, gossip; and the key check. */
class InternalEndpointsTest {
    private static final long SEED = 6_060L;
    private static final String KEY = TestNodes.KEY;
    @TempDir
    static Path dir;
    static CairnNode node;
    static CairnNode source;
    static URI url;
    private static final SplittableRandom random = new SplittableRandom(SEED);

    @BeforeAll
    static void start() {
        node = TestNodes.start(dir.resolve("n0"));
        source = TestNodes.start(dir.resolve("n1"));
        url = node.url();
    }

    @AfterAll
    static void stop() {
        source.close();
        node.close();
    }

    private byte[] stored(CairnNode where) {
        byte[] b = new byte[200 + random.nextInt(200)];
        random.nextBytes(b);
        assertThat(put(where.url(), "/blocks/" + Address.of(b), b).statusCode()).isEqualTo(201);
        return b;
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static HttpRequest.Builder withKey(HttpRequest.Builder b, String key) {
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    @Test
    void everyInternalEndpointRefusesAMissingOrWrongKeyAndChangesNothing() {
        byte[] block = stored(node);
        Address a = Address.of(block);
        long count = node.store().blockCount();
        Lease lease = node.store().lease(a).orElseThrow();
        for (String key : new String[] {null, "wrong", KEY + "x", ""}) {
            List<HttpResponse<byte[]>> replies = new ArrayList<>();
            replies.add(send(withKey(at(url, "/internal/blocks/" + a).DELETE(), key)));
            replies.add(send(withKey(at(url, "/internal/inventory"), key)));
            replies.add(post(url, "/internal/leases", "{\"addresses\":[\"" + a + "\"],\"expiresEpochSecond\":\"never\"}", key));
            replies.add(post(url, "/internal/pull", "{\"address\":\"" + a + "\",\"from\":\"" + source.url() + "\"}", key));
            replies.add(post(url, "/internal/gossip", "{}", key));
            for (HttpResponse<byte[]> r : replies) {
                assertThat(r.statusCode()).as(key + " " + r.uri() + " " + text(r)).isEqualTo(401);
                assertThat(json(r).get("error").stringValue()).isEqualTo("unauthorized");
            }
        }
        assertThat(node.store().blockCount()).isEqualTo(count);
        assertThat(node.store().lease(a)).hasValue(lease);
    }

    @Test
    void inventoryPagesThroughEveryAddressInOrder() {
        for (int i = 0; i < 25; i++) {
            stored(node);
        }
        List<String> all = new ArrayList<>();
        node.store().forEachAddress(a -> all.add(a.hex()));
        all.sort(null);
        List<String> paged = new ArrayList<>();
        String after = "";
        for (int page = 0; page < 100; page++) {
            JsonNode r = json(send(withKey(at(url, "/internal/inventory?limit=7&after=" + after), KEY)));
            r.get("addresses").forEach(a -> paged.add(a.stringValue()));
            if (r.get("next").isNull()) {
                break;
            }
            after = r.get("next").stringValue();
        }
        assertThat(paged).isEqualTo(all);
        for (String bad : new String[] {"limit=0", "limit=10001", "limit=x", "after=zz"}) {
            assertThat(send(withKey(at(url, "/internal/inventory?" + bad), KEY)).statusCode()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void deleteRemovesABlock() {
        Address a = Address.of(stored(node));
        assertThat(send(withKey(at(url, "/internal/blocks/" + a).DELETE(), KEY)).statusCode()).isEqualTo(204);
        assertThat(get(url, "/blocks/" + a).statusCode()).isEqualTo(404);
        assertThat(send(withKey(at(url, "/internal/blocks/" + a).DELETE(), KEY)).statusCode()).isEqualTo(404);
        assertThat(send(withKey(at(url, "/internal/blocks/xyz").DELETE(), KEY)).statusCode()).isEqualTo(400);
    }

    @Test
    void leasesAreRenewedInBatchesAndAMalformedBatchChangesNothing() {
        Address a = Address.of(stored(node));
        Address b = Address.of(stored(node));
        Address missing = Address.of(new byte[] {1, 2, 3});
        long far = Lease.defaultFrom(java.time.Instant.now()).expiresEpochSecond() + 86_400 * 100;
        HttpResponse<byte[]> r = post(url, "/internal/leases",
                "{\"addresses\":[\"" + a + "\",\"" + b + "\",\"" + missing + "\"],\"expiresEpochSecond\":" + far + "}", KEY);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(json(r).get("renewed").intValue()).isEqualTo(2);
        assertThat(json(r).get("missing").get(0).stringValue()).isEqualTo(missing.hex());
        assertThat(node.store().lease(a).orElseThrow().expiresEpochSecond()).isEqualTo(far);

        Lease before = node.store().lease(b).orElseThrow();
        for (String bad : new String[] {"{", "[]", "{\"addresses\":[\"" + b + "\",\"nothex\"],\"expiresEpochSecond\":\"never\"}",
                "{\"addresses\":[\"" + b + "\"],\"expiresEpochSecond\":-5}", "{\"addresses\":[\"" + b + "\"]}",
                "{\"addresses\":\"" + b + "\",\"expiresEpochSecond\":\"never\"}", "{\"a\":1}{\"b\":2}"}) {
            HttpResponse<byte[]> refused = post(url, "/internal/leases", bad, KEY);
            assertThat(refused.statusCode()).as(bad + " " + text(refused)).isEqualTo(400);
        }
        assertThat(node.store().lease(b)).hasValue(before);
        StringBuilder tooMany = new StringBuilder("{\"expiresEpochSecond\":\"never\",\"addresses\":[");
        for (int i = 0; i <= LeasesRoute.MAX_ADDRESSES; i++) {
            tooMany.append(i == 0 ? "" : ",").append('"').append(b).append('"');
        }
        assertThat(post(url, "/internal/leases", tooMany.append("]}").toString(), KEY).statusCode()).isEqualTo(413);
        assertThat(node.store().lease(b)).hasValue(before);
    }

    @Test
    void pullFetchesVerifiesAndStores() {
        byte[] block = stored(source);
        Address a = Address.of(block);
        HttpResponse<byte[]> r = post(url, "/internal/pull", "{\"address\":\"" + a + "\",\"from\":\"" + source.url() + "\"}", KEY);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(201);
        assertThat(get(url, "/blocks/" + a).body()).isEqualTo(block);
        assertThat(post(url, "/internal/pull", "{\"address\":\"" + a + "\",\"from\":\"" + source.url() + "\"}", KEY)
                .statusCode()).isEqualTo(200);

        long count = node.store().blockCount();
        Address absent = Address.of(new byte[] {9, 9, 9});
        assertThat(post(url, "/internal/pull", "{\"address\":\"" + absent + "\",\"from\":\"" + source.url() + "\"}", KEY)
                .statusCode()).isEqualTo(404);
        assertThat(post(url, "/internal/pull", "{\"address\":\"" + absent + "\",\"from\":\"http://127.0.0.1:1\"}", KEY)
                .statusCode()).isEqualTo(503);
        for (String bad : new String[] {"not json", "{\"address\":\"" + absent + "\"}",
                "{\"address\":\"" + absent + "\",\"from\":\"file:///etc/passwd\"}",
                "{\"address\":\"../../x\",\"from\":\"" + source.url() + "\"}"}) {
            assertThat(post(url, "/internal/pull", bad, KEY).statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(node.store().blockCount()).isEqualTo(count);
    }

    @Test
    void gossipRefusesMalformedMessages() {
        for (String bad : new String[] {"nope", "{}", "{\"version\":1,\"sender\":\"00\",\"members\":[]}"}) {
            assertThat(post(url, "/internal/gossip", bad, KEY).statusCode()).as(bad).isEqualTo(400);
        }
    }
}
