package io.cairn.node.directory;

import static io.cairn.node.Http.at;
import static io.cairn.node.Http.get;
import static io.cairn.node.Http.head;
import static io.cairn.node.Http.put;
import static io.cairn.node.Http.send;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.core.names.Name;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /names} on three in-process nodes: every status of the GET flow (200, 302, 307, 404),
 * HEAD and DELETE, the JSON bind form, large blobs, bad names, {@code %2F}, listing. The nodes
 * stay up for the whole class; the owner-down case is {@link OwnerDownTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamesHttpTest {
    private static final long SEED = 4_0404L;
    @TempDir
    static Path dir;
    private DirectoryNodes cluster;

    @BeforeAll
    void start() {
        cluster = DirectoryNodes.start(dir, 3);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static String path(String name) {
        return "/names/" + Name.of(name).toUrlPath();
    }

    private List<CairnNode> succ(String name) {
        return cluster.successors(Name.of(name), cluster.running());
    }

    private CairnNode nonOwner(String name) {
        List<CairnNode> s = succ(name);
        return cluster.running().stream().filter(n -> n != s.getFirst()).findFirst().orElseThrow();
    }

    @Test
    void putThenGetFromTheOwnerIs200AndFromAnyOtherNodeA307ToTheOwner() {
        String name = "docs/hello world.txt";
        byte[] body = "hello, directory".getBytes(StandardCharsets.UTF_8);
        CairnNode writer = nonOwner(name);
        HttpResponse<byte[]> created = put(writer.url(), path(name), body);
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        JsonNode json = Json.MAPPER.readTree(created.body());
        assertThat(json.path("name").stringValue()).isEqualTo(name);
        assertThat(json.path("address").stringValue()).isEqualTo(Address.of(body).hex());
        assertThat(json.path("size").longValue()).isEqualTo(body.length);

        CairnNode owner = succ(name).getFirst();
        HttpResponse<byte[]> got = get(owner.url(), path(name));
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(body);
        assertThat(got.headers().firstValue("X-Cairn-Address")).hasValue(Address.of(body).hex());

        HttpResponse<byte[]> redirected = get(writer.url(), path(name));
        assertThat(redirected.statusCode()).isEqualTo(307);
        assertThat(redirected.headers().firstValue("Location")).hasValue(owner.url() + path(name));

        HttpResponse<byte[]> headOwner = head(owner.url(), path(name));
        assertThat(headOwner.statusCode()).isEqualTo(200);
        assertThat(headOwner.headers().firstValueAsLong("Content-Length")).hasValue(body.length);
        assertThat(headOwner.body()).isEmpty();
        assertThat(head(writer.url(), path(name)).statusCode()).isEqualTo(307);
    }

    @Test
    void unknownNamesAre404AtTheOwnerAnd307Elsewhere() {
        String name = "no/such/name";
        assertThat(get(succ(name).getFirst().url(), path(name)).statusCode()).isEqualTo(404);
        assertThat(head(succ(name).getFirst().url(), path(name)).statusCode()).isEqualTo(404);
        assertThat(get(nonOwner(name).url(), path(name)).statusCode()).isEqualTo(307);
    }

    @Test
    void anOwnerThatDoesNotHoldTheBytesAnswers302ToANodeThatDoes() {
        String name = "bound/elsewhere";
        byte[] block = bytes(5000, SEED);
        Address a = Address.of(block);
        CairnNode owner = succ(name).getFirst();
        CairnNode holder = nonOwner(name);
        // The block lives only on a node that is not the owner.
        assertThat(put(holder.url(), "/blocks/" + a.hex(), block).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> bound = bind(owner.url(), name, "{\"address\":\"" + a.hex() + "\"}");
        assertThat(bound.statusCode()).as(text(bound)).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(bound.body()).path("size").longValue()).isEqualTo(5000);

        HttpResponse<byte[]> r = get(owner.url(), path(name));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue(holder.url() + "/blocks/" + a.hex());
        assertThat(head(owner.url(), path(name)).statusCode()).isEqualTo(302);
        assertThat(get(URI.create(r.headers().firstValue("Location").orElseThrow()), "").body()).isEqualTo(block);
    }

    @Test
    void theBindFormRefusesUnknownAddressesAndMalformedBodies() {
        CairnNode any = cluster.running().getFirst();
        assertThat(bind(any.url(), "b1", "{\"address\":\"" + "ab".repeat(32) + "\"}").statusCode()).isEqualTo(404);
        assertThat(bind(any.url(), "b1", "{\"address\":\"xyz\"}").statusCode()).isEqualTo(400);
        assertThat(bind(any.url(), "b1", "{\"address\":\"" + "ab".repeat(32) + "\",\"more\":1}").statusCode()).isEqualTo(400);
        assertThat(bind(any.url(), "b1", "not json").statusCode()).isEqualTo(400);
        // Any other content type stores the body as the blob, even JSON.
        HttpResponse<byte[]> asBlob = send(at(any.url(), path("b2")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"address\":\"x\"}")));
        assertThat(asBlob.statusCode()).isEqualTo(201);
    }

    @Test
    void aBlobLargerThanOneChunkIsStoredAsAFileAndServedWhole() {
        String name = "big/file.bin";
        byte[] body = bytes(300_000, SEED + 1);
        assertThat(put(cluster.running().get(1).url(), path(name), body).statusCode()).isEqualTo(201);
        CairnNode owner = succ(name).getFirst();
        HttpResponse<byte[]> got = get(owner.url(), path(name));
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(body);
        assertThat(head(owner.url(), path(name)).headers().firstValueAsLong("Content-Length")).hasValue(300_000);
    }

    @Test
    void deleteRemovesTheNameAndASecondDeleteIs404() {
        String name = "to-delete";
        CairnNode any = cluster.running().get(2);
        assertThat(put(any.url(), path(name), new byte[] {1, 2, 3}).statusCode()).isEqualTo(201);
        assertThat(send(at(any.url(), path(name)).DELETE()).statusCode()).isEqualTo(204);
        assertThat(get(succ(name).getFirst().url(), path(name)).statusCode()).isEqualTo(404);
        assertThat(send(at(any.url(), path(name)).DELETE()).statusCode()).isEqualTo(404);
        // and it can be written again
        assertThat(put(any.url(), path(name), new byte[] {4}).statusCode()).isEqualTo(201);
        assertThat(get(succ(name).getFirst().url(), path(name)).body()).containsExactly(4);
    }

    @Test
    void percent2FAndSlashMeanTheSameName() {
        CairnNode any = cluster.running().getFirst();
        assertThat(put(any.url(), "/names/dir%2Fsub%2Ffile", "x".getBytes()).statusCode()).isEqualTo(201);
        CairnNode owner = succ("dir/sub/file").getFirst();
        assertThat(get(owner.url(), "/names/dir/sub/file").body()).isEqualTo("x".getBytes());
        assertThat(get(owner.url(), "/names/dir%2fsub/file").body()).isEqualTo("x".getBytes());
    }

    @Test
    void badNamesAre400AndChangeNothing() {
        CairnNode any = cluster.running().getFirst();
        List<String> bad = new ArrayList<>(List.of(
                "/names/",                       // empty
                "/names/" + "a".repeat(1025),    // over 1024 bytes
                "/names/a%01b",                  // control character
                "/names/a%7Fb",                  // DEL
                "/names/%FF%FE",                 // invalid UTF-8
                "/names/%C0%AF",                 // overlong UTF-8
                "/names/a%2F..%2F..%2Fetc%2Fpasswd", // traversal, encoded
                "/names/a%2F.%2Fb"));            // dot segment
        for (String p : bad) {
            HttpResponse<byte[]> r = put(any.url(), p, "x".getBytes());
            assertThat(r.statusCode()).as(p + " " + text(r)).isEqualTo(400);
            assertThat(get(any.url(), p).statusCode()).as(p).isEqualTo(400);
        }
        String broken = Http.raw(any.url(), "PUT /names/50%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
        assertThat(Http.rawStatus(broken)).isEqualTo(400);
        // A raw traversal never reaches a route that could use it.
        for (String raw : new String[] {"/names/../../etc/passwd", "/names/a/../../../x"}) {
            String reply = Http.raw(any.url(), "PUT " + raw + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
            assertThat(Http.rawStatus(reply)).as(raw).isIn(400, 404);
        }
        assertThat(text(get(any.url(), "/names?prefix=a%2F..&limit=1000"))).doesNotContain("passwd");
        // 1024 bytes exactly is fine, in multi-byte characters too
        assertThat(put(any.url(), "/names/" + "a".repeat(1024), "x".getBytes()).statusCode()).isEqualTo(201);
        assertThat(put(any.url(), "/names/" + "%C3%A9".repeat(512), "x".getBytes()).statusCode()).isEqualTo(201);
    }

    @Test
    void listingPagesThroughTheWholeClusterInNameOrder() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add(String.format("list/%03d", i));
        }
        for (int i = 0; i < names.size(); i++) {
            CairnNode via = cluster.running().get(i % 3);
            assertThat(put(via.url(), path(names.get(i)), ("v" + i).getBytes()).statusCode()).isEqualTo(201);
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            String q = "/names?prefix=list%2F&limit=7" + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode page = Json.MAPPER.readTree(get(cluster.running().get(pages % 3).url(), q).body());
            for (JsonNode e : page.path("entries")) {
                seen.add(e.path("name").stringValue());
                assertThat(e.path("address").stringValue()).hasSize(64);
            }
            after = page.path("next").isNull() ? null : page.path("next").stringValue();
            pages++;
        } while (after != null && pages < 100);
        assertThat(seen).containsExactlyElementsOf(names);
        assertThat(get(cluster.running().getFirst().url(), "/names?limit=0").statusCode()).isEqualTo(400);
        assertThat(get(cluster.running().getFirst().url(), "/names?limit=1001").statusCode()).isEqualTo(400);
    }

    @Test
    void internalDirectoryEndpointsNeedTheClusterKey() {
        CairnNode any = cluster.running().getFirst();
        HttpResponse<byte[]> r = send(at(any.url(), "/internal/names/records")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.post(any.url(), "/internal/names/digests", "{}", "wrong").statusCode()).isEqualTo(401);
        assertThat(get(any.url(), "/internal/names/list?limit=10").statusCode()).isEqualTo(401);
    }

    private static HttpResponse<byte[]> bind(URI node, String name, String json) {
        return send(at(node, path(name)).header("Content-Type", "application/vnd.cairn.bind+json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }
}
