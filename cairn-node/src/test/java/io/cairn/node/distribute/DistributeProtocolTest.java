package io.cairn.node.distribute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.node.CairnNode;
import io.cairn.node.DistributeConfig;
import io.cairn.node.Http;
import io.cairn.node.NodeConfig;
import io.cairn.node.TestNodes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * distribute-v1 on the wire (SPEC §3.2, issue #3): the contract's paths, header and statuses, and
 * every kind of bad input refused with nothing changed. One distribute node without the storage
 * role, so that only what the test registers is tracked.
 */
class DistributeProtocolTest {
    @TempDir
    static Path tmp;
    static CairnNode node;
    static URI url;
    static final String KEY = TestNodes.KEY;

    @BeforeAll
    static void start() {
        NodeConfig config = TestNodes.config(tmp.resolve("d"), List.of()).withRoles(Set.of("distribute"))
                .withDistribute(DistributeConfig.DEFAULTS.withHealth(Duration.ofMillis(200), 3));
        node = CairnNode.start(config);
        url = node.url();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static HttpResponse<byte[]> put(String path, String body, String key) {
        HttpRequest.Builder b = Http.at(url, path).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return Http.send(b);
    }

    static String hexOf(long seed) {
        byte[] raw = new byte[32];
        new SplittableRandom(seed).nextBytes(raw);
        return io.cairn.core.Hex.encode(raw);
    }

    static JsonNode status() {
        return Json.MAPPER.readTree(Http.get(url, "/distribute/status").body());
    }

    static long holdings(String id) {
        for (JsonNode n : status().get("nodes")) {
            if (n.get("id").stringValue().equals(id)) {
                return n.get("holdings").longValue();
            }
        }
        return -1;
    }

    @Test
    void idAnswersWithTheServiceIdAndTheProtocolHeader() {
        HttpResponse<byte[]> r = Http.get(url, "/id");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.text(r)).isEqualTo(node.id().hex());
        assertThat(r.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
    }

    @Test
    void registerThenHasIsTrackedAndEveryAnswerCarriesTheProtocol() {
        String id = NodeId.random(new SplittableRandom(1)).hex();
        HttpResponse<byte[]> reg = put("/register/" + id, "{\"url\":\"http://127.0.0.1:1\"}", KEY);
        assertThat(reg.statusCode()).isEqualTo(200);
        assertThat(reg.body()).isEmpty();
        assertThat(reg.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
        HttpResponse<byte[]> has = put("/has/" + id, "{\"addresses\":[\"" + hexOf(1) + "\",\"" + hexOf(2).toUpperCase()
                + "\"],\"complete\":true}", KEY);
        assertThat(has.statusCode()).isEqualTo(200);
        assertThat(has.body()).isEmpty();
        assertThat(has.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
        assertThat(holdings(id)).isEqualTo(2);
        // removal form: "removed" (deleted, quarantined) and "expired"
        assertThat(put("/has/" + id, "{\"addresses\":[],\"removed\":[\"" + hexOf(1) + "\"]}", KEY).statusCode()).isEqualTo(200);
        assertThat(holdings(id)).isEqualTo(1);
        assertThat(put("/has/" + id, "{\"addresses\":[],\"expired\":[\"" + hexOf(2) + "\"]}", KEY).statusCode()).isEqualTo(200);
        assertThat(holdings(id)).isZero();
        // registering again forgets what it held
        put("/has/" + id, "{\"addresses\":[\"" + hexOf(3) + "\"]}", KEY);
        assertThat(holdings(id)).isEqualTo(1);
        put("/register/" + id, "", KEY);
        assertThat(holdings(id)).isZero();
        HttpResponse<byte[]> status = Http.get(url, "/distribute/status");
        assertThat(status.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
    }

    @Test
    void unknownIdIs404WithTheProtocolHeader() {
        String id = NodeId.random(new SplittableRandom(2)).hex();
        HttpResponse<byte[]> r = put("/has/" + id, "{\"addresses\":[\"" + hexOf(1) + "\"]}", KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
        assertThat(Json.MAPPER.readTree(r.body()).get("error").stringValue()).isEqualTo("not_found");
    }

    @Test
    void malformedIdsAre400() {
        for (String bad : List.of("abc", "zz" + hexOf(1).substring(2), hexOf(1) + "00", "..%2F..")) {
            assertThat(put("/register/" + bad, "", KEY).statusCode()).as(bad).isIn(400, 404);
            assertThat(put("/has/" + bad, "{\"addresses\":[]}", KEY).statusCode()).as(bad).isIn(400, 404);
        }
        assertThat(put("/register/" + "g".repeat(64), "", KEY).statusCode()).isEqualTo(400);
        assertThat(put("/has/" + "g".repeat(64), "{\"addresses\":[]}", KEY).statusCode()).isEqualTo(400);
    }

    @Test
    void malformedBodiesAre400AndChangeNothing() {
        String id = NodeId.random(new SplittableRandom(3)).hex();
        put("/register/" + id, "{\"url\":\"http://127.0.0.1:2\"}", KEY);
        put("/has/" + id, "{\"addresses\":[\"" + hexOf(10) + "\"]}", KEY);
        List<String> bodies = List.of(
                "{\"addresses\":[\"" + hexOf(11) + "\",",                               // truncated JSON
                "not json",
                "[\"" + hexOf(11) + "\"]",                                               // not an object
                "{\"addresses\":[\"" + hexOf(11) + "\",\"" + "x".repeat(64) + "\"]}",    // non-hex, after a good one
                "{\"addresses\":[\"" + hexOf(11) + "\",\"" + hexOf(12).substring(1) + "\"]}", // 63 digits
                "{\"addresses\":[\"" + hexOf(11) + "\",42]}",
                "{\"addresses\":\"" + hexOf(11) + "\"}",
                "{\"removed\":[\"" + hexOf(10) + "\"]}",                                  // addresses missing
                "{\"addresses\":[],\"removed\":[\"" + hexOf(10) + "\"],\"complete\":\"yes\"}",
                "{\"addresses\":[\"" + hexOf(11) + "\"]} {}",                            // trailing tokens
                "{\"addresses\":[\"" + hexOf(11) + "\"],\"addresses\":[]}");            // duplicate key
        for (String body : bodies) {
            HttpResponse<byte[]> r = put("/has/" + id, body, KEY);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
        }
        assertThat(holdings(id)).as("nothing changed").isEqualTo(1);
        assertThat(put("/register/" + id, "{\"url\":42}", KEY).statusCode()).isEqualTo(400);
        assertThat(put("/register/" + id, "{\"url\":\"ftp://x\"}", KEY).statusCode()).isEqualTo(400);
        assertThat(put("/register/" + id, "{nope", KEY).statusCode()).isEqualTo(400);
        assertThat(holdings(id)).as("failed registrations change nothing").isEqualTo(1);
    }

    @Test
    void missingOrWrongKeyIs401AndChangesNothing() {
        String id = NodeId.random(new SplittableRandom(4)).hex();
        HttpResponse<byte[]> r = put("/register/" + id, "", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("X-Protocol")).hasValue("distribute-v1");
        assertThat(put("/register/" + id, "", "wrong").statusCode()).isEqualTo(401);
        assertThat(holdings(id)).as("not registered").isEqualTo(-1);
        put("/register/" + id, "", KEY);
        assertThat(put("/has/" + id, "{\"addresses\":[\"" + hexOf(20) + "\"]}", null).statusCode()).isEqualTo(401);
        assertThat(holdings(id)).isZero();
    }

    @Test
    void moreThanTenThousandAddressesIs413AndChangesNothing() {
        String id = NodeId.random(new SplittableRandom(5)).hex();
        put("/register/" + id, "", KEY);
        StringBuilder sb = new StringBuilder("{\"addresses\":[");
        for (int i = 0; i < 10_001; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(hexOf(1000 + i)).append('"');
        }
        String body = sb.append("]}").toString();
        assertThat(body.length()).as("under the byte limit, over the count").isLessThan(1 << 20);
        assertThat(put("/has/" + id, body, KEY).statusCode()).isEqualTo(413);
        assertThat(holdings(id)).isZero();
    }

    @Test
    void tenMillionAddressesInOneBodyIs413BeforeReadingAndChangesNothing() throws Exception {
        String id = NodeId.random(new SplittableRandom(6)).hex();
        put("/register/" + id, "", KEY);
        long entry = 67; // "<64 hex>",
        long length = 15 + 10_000_000L * entry;
        String head = "PUT /has/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n{\"addresses\":[";
        String answer;
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            byte[] piece = ("\"" + hexOf(7) + "\",").repeat(1000).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 30; i++) { // the first 2 MB of the 670 MB; the answer must not wait for the rest
                    out.write(piece);
                }
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server may answer and close before we finish writing: that is the point
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            answer = new String(buf, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer.toLowerCase()).contains("x-protocol: distribute-v1");
        assertThat(holdings(id)).isZero();
    }

    @Test
    void statusShowsNodesAndCounts() {
        String id = NodeId.random(new SplittableRandom(7)).hex();
        put("/register/" + id, "{\"url\":\"http://127.0.0.1:3\"}", KEY);
        put("/has/" + id, "{\"addresses\":[\"" + hexOf(30) + "\"],\"complete\":true}", KEY);
        JsonNode s = status();
        assertThat(s.get("protocol").stringValue()).isEqualTo("distribute-v1");
        assertThat(s.get("serviceId").stringValue()).isEqualTo(node.id().hex());
        assertThat(s.get("replication").intValue()).isEqualTo(3);
        for (String field : List.of("blocksTracked", "underReplicated", "repairQueue", "repairsInFlight", "repairState")) {
            assertThat(s.has(field)).as(field).isTrue();
        }
        // nothing answers at 127.0.0.1:3: the node goes suspect, then dead
        await("unreachable node judged dead").atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode n : status().get("nodes")) {
                if (n.get("id").stringValue().equals(id)) {
                    return n.get("state").stringValue().equals("dead");
                }
            }
            return false;
        });
    }
}
