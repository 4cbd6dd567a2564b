package io.cairn.node.contracts;

import static io.cairn.node.Http.get;
import static io.cairn.node.Http.post;
import static io.cairn.node.Http.put;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.node.CairnNode;
import io.cairn.node.TestNodes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The contract endpoints on one node: topic function, creation, lookup and every kind of bad input. */
class ContractEndpointsTest {
    private static final long SEED = 7_007L;
    @TempDir
    static Path dir;
    static CairnNode node;

    @BeforeAll
    static void start() {
        node = CairnNode.start(TestNodes.config(dir.resolve("n"), List.of()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        return Json.MAPPER.readTree(r.body());
    }

    static String contract(String address, String size, String days, String availability, String speed, String replicas) {
        return "{\"address\":\"" + address + "\",\"size\":" + size + ",\"durationDays\":" + days + ",\"availability\":"
                + availability + ",\"speedMbps\":" + speed + ",\"replicas\":" + replicas + "}";
    }

    @Test
    void theTopicFunctionOverHttpGivesTheIssuesExample() {
        HttpResponse<byte[]> r = get(node.url(), "/contracts/topic?size=5&durationDays=60&availability=99&speedMbps=20");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(json(r).get("topic").stringValue()).isEqualTo("0f01020303");
        for (String bad : new String[] {"size=-1&durationDays=1&availability=1&speedMbps=1",
                "size=x&durationDays=1&availability=1&speedMbps=1", "durationDays=1&availability=1&speedMbps=1",
                "size=1&durationDays=1&availability=101&speedMbps=1", "size=NaN&durationDays=1&availability=1&speedMbps=1"}) {
            assertThat(get(node.url(), "/contracts/topic?" + bad).statusCode()).as(bad).isEqualTo(400);
        }
    }

    @Test
    void aContractIsCreatedPublishedAndDescribed() {
        byte[] block = new byte[1000];
        new SplittableRandom(SEED).nextBytes(block);
        Address a = Address.of(block);
        assertThat(put(node.url(), "/blocks/" + a, block).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> r = post(node.url(), "/contracts", contract(a.hex(), "5", "60", "99", "20", "2"), null);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(202);
        String id = json(r).get("id").stringValue();
        assertThat(json(r).get("topic").stringValue()).isEqualTo("0f01020303");
        JsonNode c = json(get(node.url(), "/contracts/" + id));
        assertThat(c.get("topic").stringValue()).isEqualTo("0f01020303");
        assertThat(c.get("offers").isArray() && c.get("accepted").isArray() && c.get("stored").isArray()).isTrue();
        assertThat(c.get("publications").intValue()).isEqualTo(1);
        // The data must fit the declared size: 1000 bytes is more than 0.0001 MB.
        assertThat(post(node.url(), "/contracts", contract(a.hex(), "0.0001", "60", "99", "20", "2"), null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void badInputIsRefused() {
        String absent = Address.of(new byte[] {1, 2, 3}).hex();
        String[][] cases = {
                {contract(absent, "-1", "60", "99", "20", "2"), "400"},
                {contract(absent, "5", "60", "101", "20", "2"), "400"},
                {contract(absent, "5", "0", "99", "20", "2"), "400"},
                {contract(absent, "\"5\"", "60", "99", "20", "2"), "400"},
                {contract(absent, "5", "60", "99", "20", "0"), "400"},
                {contract(absent, "5", "60", "99", "20", "17"), "400"},
                {contract("nothex", "5", "60", "99", "20", "2"), "400"},
                {"{\"address\":", "400"},
                {"[1,2]", "400"},
                {contract(absent, "5", "60", "99", "20", "2"), "404"}, // valid, but the cluster lacks the data
        };
        for (String[] c : cases) {
            HttpResponse<byte[]> r = post(node.url(), "/contracts", c[0], null);
            assertThat(r.statusCode()).as(c[0] + " → " + text(r)).isEqualTo(Integer.parseInt(c[1]));
        }
        assertThat(get(node.url(), "/contracts/" + "0".repeat(32)).statusCode()).as("unknown id").isEqualTo(404);
        assertThat(get(node.url(), "/contracts/nope").statusCode()).as("malformed id").isEqualTo(400);
    }

    @Test
    void internalContractCallsNeedTheKeyAndAForgedOfferIsRefused() {
        String offer = "{\"contract\":\"" + "ab".repeat(16) + "\",\"node\":\"" + node.id().hex() + "\"}";
        assertThat(post(node.url(), ContractBook.OFFER_PATH, offer, null).statusCode()).isEqualTo(401);
        assertThat(post(node.url(), ContractBook.ACCEPT_PATH, "{}", null).statusCode()).isEqualTo(401);
        assertThat(post(node.url(), ContractBook.AUDIT_PATH, "{}", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<byte[]> forged = post(node.url(), ContractBook.OFFER_PATH, offer, TestNodes.KEY);
        assertThat(forged.statusCode()).as(text(forged)).isEqualTo(404);
        String stranger = "{\"contract\":\"" + "ab".repeat(16) + "\",\"node\":\"" + "cd".repeat(32) + "\"}";
        assertThat(post(node.url(), ContractBook.OFFER_PATH, stranger, TestNodes.KEY).statusCode()).isEqualTo(403);
        String audit = "{\"contract\":\"" + "ab".repeat(16) + "\",\"address\":\"" + Address.of(new byte[] {9}).hex()
                + "\",\"nonce\":\"" + "00".repeat(32) + "\"}";
        assertThat(post(node.url(), ContractBook.AUDIT_PATH, audit, TestNodes.KEY).statusCode()).isEqualTo(404);
        assertThat(post(node.url(), ContractBook.AUDIT_PATH, audit.replace("\"nonce\":\"00", "\"nonce\":\""), TestNodes.KEY)
                .statusCode()).isEqualTo(400);
    }
}
