package io.cairn.node.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Json;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import io.cairn.node.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** One master node: tokens, formats and validation of the repository routes. */
class HummelRoutesTest {
    static final String WRITE = "write-token-0123456789";
    static final String SLAVE = "slave-token-0123456789";
    static final String H = "ab".repeat(32);

    @TempDir
    Path tmp;
    CairnNode node;
    URI url;

    @BeforeEach
    void start() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        node = CairnNode.start(TestNodes.config(tmp.resolve("node"), List.of())
                .withHummel(HummelSettings.master(repo, WRITE, SLAVE)));
        url = node.url();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    HttpResponse<byte[]> post(String path, String json, String token) {
        HttpRequest.Builder b = Http.at(url, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("X-HUMMEL-TOKEN", token);
        }
        return Http.send(b);
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void wrongMissingAndSwappedTokensAre401() {
        String hashlist = "{\"id\":\"s1\",\"url\":\"http://127.0.0.1:9\",\"hashes\":[]}";
        String heartbeat = "{\"id\":\"s1\",\"url\":\"http://127.0.0.1:9\"}";
        for (String token : new String[] {null, "", "wrong-token-0123456789", SLAVE, WRITE + " x"}) {
            HttpResponse<byte[]> r = post("/build", "", token);
            assertThat(r.statusCode()).as("build with %s", token).isEqualTo(401);
            assertThat(json(r).path("error").asString()).isEqualTo("unauthorized");
        }
        for (String token : new String[] {null, "", "wrong-token-0123456789", WRITE}) {
            assertThat(post("/slave/hashlist", hashlist, token).statusCode()).as("hashlist with %s", token).isEqualTo(401);
            assertThat(post("/slave/heartbeat", heartbeat, token).statusCode()).as("heartbeat with %s", token).isEqualTo(401);
        }
        // Nothing changed: the slave was not registered by the refused calls.
        assertThat(json(Http.get(url, "/hummel/status")).path("slaves").size()).isZero();
        assertThat(post("/slave/hashlist", hashlist, SLAVE).statusCode()).isEqualTo(200);
        assertThat(post("/slave/heartbeat", heartbeat, SLAVE).statusCode()).isEqualTo(200);
        assertThat(post("/build", "", WRITE).statusCode()).isEqualTo(202);
    }

    @Test
    void buildOfAnEmptyRepositoryAndTheFormats() {
        HttpResponse<byte[]> started = post("/build", "", WRITE);
        assertThat(started.statusCode()).isEqualTo(202);
        String id = json(started).path("build").asString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                json(Http.get(url, "/build/" + id)).path("state").asString().equals("done"));
        JsonNode b = json(Http.get(url, "/build/" + id));
        assertThat(b.path("filesTotal").asLong()).isZero();
        assertThat(b.has("bytesDone")).isTrue();
        assertThat(b.has("errors")).isTrue();
        JsonNode index = json(Http.get(url, "/index"));
        assertThat(index.path("version").asLong()).isEqualTo(1);
        assertThat(index.path("files").isArray()).isTrue();
        assertThat(Http.get(url, "/build/nope").statusCode()).isEqualTo(404);
        assertThat(Http.get(url, "/index?path=../etc").statusCode()).isEqualTo(400);
        assertThat(Http.get(url, "/hummel/").statusCode()).isEqualTo(200);
        assertThat(Http.get(url, "/hummel/" + H + ".gz").statusCode()).isEqualTo(404);
        assertThat(Http.get(url, "/hummel/not-a-hash.gz").statusCode()).isEqualTo(400);
    }

    @Test
    void locateAndClientReportsValidateTheirBodies() {
        assertThat(post("/locate", "{\"hashes\":[\"" + H + "\"]}", null).statusCode()).isEqualTo(200);
        assertThat(json(post("/locate", "{\"hashes\":[\"" + H + "\"]}", null)).path(H).size()).isZero();
        assertThat(post("/locate", "{\"hashes\":[\"nothex\"]}", null).statusCode()).isEqualTo(400);
        assertThat(post("/locate", "{\"hashes\":7}", null).statusCode()).isEqualTo(400);
        assertThat(post("/locate", "not json", null).statusCode()).isEqualTo(400);
        assertThat(post("/clients/hashes", "{\"client\":\"c1\",\"hashes\":[\"" + H + "\"]}", null).statusCode()).isEqualTo(200);
        assertThat(post("/clients/hashes", "{\"hashes\":[]}", null).statusCode()).isEqualTo(400);
        String hashlist = "{\"id\":\"s1\",\"url\":\"ftp://x\",\"hashes\":[]}";
        assertThat(post("/slave/hashlist", hashlist, SLAVE).statusCode()).isEqualTo(400);
    }
}
