package io.cairn.node.files;

import static io.cairn.node.Http.at;
import static io.cairn.node.Http.get;
import static io.cairn.node.Http.put;
import static io.cairn.node.Http.send;
import static io.cairn.node.Http.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Address;
import io.cairn.core.Hex;
import io.cairn.core.Json;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeInfoCodec;
import io.cairn.core.Placement;
import io.cairn.node.CairnNode;
import io.cairn.node.TestNodes;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /files/{address}}: a multi-chunk file whose chunks and manifest live on other nodes
 * (each chunk on its 2 closest nodes, the manifest on one), assembled by a node that holds little of it.
 */
class FilesTest {
    private static final long SEED = 3_141_592L;
    private static final int CHUNK = Manifest.MIN_CHUNK_SIZE;
    @TempDir
    Path dir;
    private final List<CairnNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(CairnNode::close);
    }

    private record StoredFile(byte[] content, Address address) {}

    /** Cuts {@code content} into chunks, puts each on the 2 nodes closest to it, the manifest on {@code manifestHolder}. */
    private StoredFile store(byte[] content, CairnNode manifestHolder) {
        List<Manifest.Chunk> chunks = new ArrayList<>();
        for (int i = 0; i * CHUNK < content.length; i++) {
            byte[] chunk = Arrays.copyOfRange(content, i * CHUNK, Math.min(content.length, (i + 1) * CHUNK));
            Address id = Address.of(chunk);
            chunks.add(new Manifest.Chunk(id, i, chunk.length));
            for (CairnNode n : Placement.closest(id, nodes, 2, CairnNode::id)) {
                assertThat(put(n.url(), "/blocks/" + id, chunk).statusCode()).isIn(200, 201);
            }
        }
        Manifest manifest = new Manifest(content.length, Hex.encode(Address.sha256().digest(content)), CHUNK, chunks);
        byte[] encoded = ManifestCodec.encode(manifest);
        Address address = Address.of(encoded);
        assertThat(put(manifestHolder.url(), "/blocks/" + address, encoded).statusCode()).isEqualTo(201);
        return new StoredFile(content, address);
    }

    private void startCluster(int n) {
        nodes.add(TestNodes.start(dir.resolve("n0")));
        for (int i = 1; i < n; i++) {
            nodes.add(TestNodes.start(dir.resolve("n" + i), nodes.getFirst().url()));
        }
        for (CairnNode node : nodes) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> NodeInfoCodec.decodeList(get(node.url(), "/nodes").body()).size() == n);
        }
    }

    @Test
    void assemblesAFileFromChunksOnOtherNodesWithRanges() {
        startCluster(3);
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] content = new byte[10 * CHUNK + 500];
        random.nextBytes(content);
        CairnNode reader = nodes.get(0);
        CairnNode holder = nodes.get(2);
        StoredFile file = store(content, holder);
        assertThat(reader.store().contains(file.address())).isFalse();

        HttpResponse<byte[]> whole = get(reader.url(), "/files/" + file.address());
        assertThat(whole.statusCode()).as("seed %d: %s", SEED, text(whole)).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(content);
        assertThat(whole.headers().firstValueAsLong("content-length")).hasValue(content.length);

        int[][] ranges = {{0, 0}, {100, 5000}, {CHUNK - 1, CHUNK}, {10 * CHUNK, 10 * CHUNK + 499}, {3 * CHUNK, 3 * CHUNK + CHUNK - 1}};
        for (int[] r : ranges) {
            HttpResponse<byte[]> part = send(at(reader.url(), "/files/" + file.address()).header("Range", "bytes=" + r[0] + "-" + r[1]));
            assertThat(part.statusCode()).as("seed %d range %d-%d", SEED, r[0], r[1]).isEqualTo(206);
            assertThat(part.headers().firstValue("content-range")).hasValue("bytes " + r[0] + "-" + r[1] + "/" + content.length);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, r[0], r[1] + 1));
        }
        HttpResponse<byte[]> suffix = send(at(reader.url(), "/files/" + file.address()).header("Range", "bytes=-700"));
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 700, content.length));
        HttpResponse<byte[]> bad = send(at(reader.url(), "/files/" + file.address()).header("Range", "bytes=" + content.length + "-"));
        assertThat(bad.statusCode()).isEqualTo(416);
        HttpResponse<byte[]> head = send(at(reader.url(), "/files/" + file.address()).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(content.length);

        // Every chunk has two copies: with one node gone, the file still assembles (fail-over).
        CairnNode gone = nodes.get(1);
        gone.close();
        nodes.remove(gone);
        HttpResponse<byte[]> again = get(reader.url(), "/files/" + file.address());
        assertThat(again.statusCode()).as("seed %d: %s", SEED, text(again)).isEqualTo(200);
        assertThat(again.body()).isEqualTo(content);
    }

    @Test
    void notAManifestIs400AndAnUnknownFile404() {
        startCluster(2);
        byte[] plain = "just a block, not a manifest".getBytes();
        put(nodes.get(1).url(), "/blocks/" + Address.of(plain), plain);
        HttpResponse<byte[]> r = get(nodes.get(0).url(), "/files/" + Address.of(plain));
        assertThat(r.statusCode()).as(text(r)).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(r.body()).get("error").stringValue()).isEqualTo("bad_request");
        // Looks like a manifest but breaks its rules.
        byte[] broken = "{\"size\":5,\"sha256\":\"00\",\"chunkSize\":1024,\"chunks\":[]}".getBytes();
        put(nodes.get(1).url(), "/blocks/" + Address.of(broken), broken);
        assertThat(get(nodes.get(0).url(), "/files/" + Address.of(broken)).statusCode()).isEqualTo(400);
        assertThat(get(nodes.get(0).url(), "/files/" + Address.of(new byte[] {42})).statusCode()).isEqualTo(404);
        assertThat(get(nodes.get(0).url(), "/files/nothex").statusCode()).isEqualTo(400);
    }

    @Test
    void aMissingChunkBeforeTheFirstByteIsAJsonError() {
        startCluster(2);
        byte[] chunk = new byte[CHUNK];
        new SplittableRandom(SEED).nextBytes(chunk);
        Manifest m = new Manifest(CHUNK, Hex.encode(Address.sha256().digest(chunk)), CHUNK,
                List.of(new Manifest.Chunk(Address.of(chunk), 0, CHUNK)));
        byte[] encoded = ManifestCodec.encode(m);
        put(nodes.get(0).url(), "/blocks/" + Address.of(encoded), encoded);
        HttpResponse<byte[]> r = get(nodes.get(0).url(), "/files/" + Address.of(encoded));
        assertThat(r.statusCode()).as(text(r)).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(r.body()).get("error").stringValue()).isEqualTo("not_found");
    }
}
