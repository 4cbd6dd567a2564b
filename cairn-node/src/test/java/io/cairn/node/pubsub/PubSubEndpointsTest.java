package io.cairn.node.pubsub;

import static io.cairn.node.Http.at;
import static io.cairn.node.Http.get;
import static io.cairn.node.Http.post;
import static io.cairn.node.Http.send;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Json;
import io.cairn.node.CairnNode;
import io.cairn.node.TestNodes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The pub/sub endpoints on two nodes (each the other's only neighbour): API, relay, filters, bad input. */
class PubSubEndpointsTest {
    static final PubSubSettings FAST = PubSubSettings.DEFAULTS.withTimers(Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofMillis(500));
    @TempDir
    static Path dir;
    static CairnNode a;
    static CairnNode b;

    @BeforeAll
    static void start() {
        a = CairnNode.start(TestNodes.config(dir.resolve("a"), List.of()).withPubSub(FAST));
        b = CairnNode.start(TestNodes.config(dir.resolve("b"), List.of(a.url())).withPubSub(FAST));
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        return Json.MAPPER.readTree(r.body());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonNode messages(URI node, String topic) {
        HttpResponse<byte[]> r = get(node, "/pubsub/messages?topic=" + q(topic));
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        return json(r);
    }

    @Test
    void aPublicationOnOneNodeReachesASubscriberOnTheOtherWithItsPayloadAsSent() {
        String topic = "weather/zürich";
        HttpResponse<byte[]> sub = post(b.url(), "/pubsub/subscribe", "{\"topic\":\"" + topic + "\"}", null);
        assertThat(sub.statusCode()).as(text(sub)).isEqualTo(201);
        assertThat(post(b.url(), "/pubsub/subscribe", "{\"topic\":\"" + topic + "\"}", null).statusCode()).isEqualTo(200);
        // b's filter must reach a before a routes by it; until then a's walk takes a random step to b anyway.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> a.contracts().pubsub().neighboursWithFilters()
                .contains(b.id()));
        String payload = "{\"t\":21.5,\"tags\":[\"a\",null,true],\"nested\":{\"x\":[1,2,{\"y\":\"é\"}]}}";
        HttpResponse<byte[]> pub = post(a.url(), "/pubsub/publish", "{\"topic\":\"" + topic + "\",\"payload\":" + payload + "}", null);
        assertThat(pub.statusCode()).as(text(pub)).isEqualTo(200);
        String id = json(pub).get("id").stringValue();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> messages(b.url(), topic).size() == 1);
        JsonNode m = messages(b.url(), topic).get(0);
        assertThat(m.get("id").stringValue()).isEqualTo(id);
        assertThat(m.get("payload")).isEqualTo(Json.MAPPER.readTree(payload));
        assertThat(m.get("hops").intValue()).isEqualTo(1);
        assertThat(messages(a.url(), topic).size()).as("a does not subscribe").isZero();

        // A scalar payload, and delivery to the publisher itself when it subscribes.
        post(a.url(), "/pubsub/subscribe", "{\"topic\":\"" + topic + "\"}", null);
        post(a.url(), "/pubsub/publish", "{\"topic\":\"" + topic + "\",\"payload\":\"just text\"}", null);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> messages(b.url(), topic).size() == 2);
        assertThat(messages(a.url(), topic).get(0).get("payload").stringValue()).isEqualTo("just text");

        // '/' cannot travel in a path segment (%2F is refused): the query form unsubscribes such topics.
        assertThat(send(at(b.url(), "/pubsub/subscribe?topic=" + q(topic)).DELETE()).statusCode()).isEqualTo(204);
        assertThat(send(at(b.url(), "/pubsub/subscribe?topic=" + q(topic)).DELETE()).statusCode()).isEqualTo(404);
        assertThat(messages(b.url(), topic).size()).as("messages go with the subscription").isZero();
        post(b.url(), "/pubsub/subscribe", "{\"topic\":\"plain topic\"}", null);
        HttpResponse<byte[]> del = send(at(b.url(), "/pubsub/subscribe/" + q("plain topic").replace("+", "%20")).DELETE());
        assertThat(del.statusCode()).as(text(del)).isEqualTo(204);
        assertThat(b.contracts().pubsub().userTopics()).doesNotContain("plain topic");
    }

    @Test
    void aDuplicateRelayIsDeliveredOnce() {
        String topic = "dup-topic";
        post(b.url(), "/pubsub/subscribe", "{\"topic\":\"" + topic + "\"}", null);
        String relay = "{\"from\":\"" + a.id().hex() + "\",\"id\":\"dup-1\",\"topic\":\"" + topic
                + "\",\"payload\":{\"n\":1},\"ttl\":3,\"met\":[],\"hops\":0}";
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = post(b.url(), PubSubService.RELAY_PATH, relay, TestNodes.KEY);
            assertThat(r.statusCode()).as(text(r)).isEqualTo(202);
            String outcome = json(r).get("outcome").stringValue();
            if (i == 0) {
                assertThat(outcome).isNotEqualTo("duplicate");
            } else {
                assertThat(outcome).isEqualTo("duplicate");
            }
        }
        assertThat(messages(b.url(), topic).size()).isEqualTo(1);
    }

    @Test
    void internalEndpointsRefuseCallsWithoutTheClusterKey() {
        String relay = "{\"from\":\"" + a.id().hex() + "\",\"id\":\"x1\",\"topic\":\"t\",\"payload\":1,\"ttl\":3,\"met\":[],\"hops\":0}";
        for (String key : new String[] {null, "wrong"}) {
            HttpResponse<byte[]> r = post(b.url(), PubSubService.RELAY_PATH, relay, key);
            assertThat(r.statusCode()).as(text(r)).isEqualTo(401);
            assertThat(post(b.url(), PubSubService.FILTER_PATH, "{}", key).statusCode()).isEqualTo(401);
        }
        assertThat(b.contracts().pubsub().stats().relaysReceived()).isZero();
    }

    @Test
    void aFilterFromANodeThatIsNotANeighbourIsDropped() {
        io.cairn.core.NodeId stranger = io.cairn.core.NodeId.random();
        var filter = io.cairn.core.pubsub.AttenuatedBloomFilter.local(stranger, List.of("x"), List.of(), FAST.shape());
        String body = new String(PubSubCodec.encodeFilter(stranger, 1, filter), StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = post(b.url(), PubSubService.FILTER_PATH, body, TestNodes.KEY);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(json(r).get("verdict").stringValue()).isEqualTo("not_a_neighbour");
        HttpResponse<byte[]> garbled = post(b.url(), PubSubService.FILTER_PATH,
                body.replace("\"filter\":\"", "\"filter\":\"AA"), TestNodes.KEY);
        assertThat(garbled.statusCode()).as(text(garbled)).isEqualTo(400);
    }

    @Test
    void badInputIsA400AndChangesNothing() {
        String[][] cases = {
                {"/pubsub/subscribe", "{\"topic\":\"\"}"},
                {"/pubsub/subscribe", "{\"topic\":\"" + "x".repeat(257) + "\"}"},
                {"/pubsub/subscribe", "{\"topic\":\"a\\u0001b\"}"},
                {"/pubsub/subscribe", "{\"topic\":7}"},
                {"/pubsub/subscribe", "{\"topic\":"},
                {"/pubsub/subscribe", "[]"},
                {"/pubsub/publish", "{\"topic\":\"t\"}"},
                {"/pubsub/publish", "{\"payload\":1}"},
                {"/pubsub/publish", "{\"topic\":\"t\",\"payload\":{]}"},
                {"/pubsub/publish", "{\"topic\":\"t\",\"payload\":1} trailing"},
        };
        var before = b.contracts().pubsub().userTopics();
        for (String[] c : cases) {
            HttpResponse<byte[]> r = post(b.url(), c[0], c[1], null);
            assertThat(r.statusCode()).as(c[0] + " " + c[1] + " → " + text(r)).isEqualTo(400);
            assertThat(json(r).get("error").stringValue()).isEqualTo("bad_request");
        }
        assertThat(b.contracts().pubsub().userTopics()).isEqualTo(before);
        assertThat(get(b.url(), "/pubsub/messages").statusCode()).isEqualTo(400);
        String big = "\"" + "x".repeat(70_000) + "\"";
        assertThat(post(b.url(), "/pubsub/publish", "{\"topic\":\"t\",\"payload\":" + big + "}", null).statusCode())
                .isEqualTo(413);
        String badRelay = "{\"from\":\"" + a.id().hex() + "\",\"id\":\"bad id\",\"topic\":\"t\",\"payload\":1,\"ttl\":3,\"met\":[]}";
        assertThat(post(b.url(), PubSubService.RELAY_PATH, badRelay, TestNodes.KEY).statusCode()).isEqualTo(400);
        String ttl = "{\"from\":\"" + a.id().hex() + "\",\"id\":\"ok\",\"topic\":\"t\",\"payload\":1,\"ttl\":65,\"met\":[],\"hops\":0}";
        assertThat(post(b.url(), PubSubService.RELAY_PATH, ttl, TestNodes.KEY).statusCode()).isEqualTo(400);
    }

    /**
     * A body a little over the limit is answered 413 every time, never with a reset: the node
     * drops the rest of a small body before it answers and closes (CairnHandler.drainSmallBody).
     */
    @Test
    void aSlightlyOversizedBodyGetsIts413EveryTime() {
        String big = "{\"topic\":\"t\",\"payload\":\"" + "x".repeat(70_000) + "\"}";
        for (int i = 0; i < 30; i++) {
            HttpResponse<byte[]> r = post(b.url(), "/pubsub/publish", big, null);
            assertThat(r.statusCode()).as("attempt %d", i).isEqualTo(413);
            assertThat(json(r).get("error").stringValue()).isEqualTo("too_large");
        }
    }

    @Test
    void statusShowsTheOverlay() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> b.contracts().pubsub().neighbours().contains(a.id()));
        JsonNode s = json(get(b.url(), "/pubsub/status"));
        assertThat(s.get("self").stringValue()).isEqualTo(b.id().hex());
        assertThat(s.get("neighbours").toString()).contains(a.id().hex());
        assertThat(s.get("stats").get("filterPushes").longValue()).isPositive();
    }
}
