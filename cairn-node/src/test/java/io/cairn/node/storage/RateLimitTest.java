package io.cairn.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import io.cairn.node.TestNodes;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §3.3: puts are limited per client IP; over the limit is a 429 with Retry-After; peers are exempt. */
class RateLimitTest {
    @Test
    void putsOverTheLimitAre429WithRetryAfter(@TempDir Path dir) {
        try (CairnNode node = CairnNode.start(TestNodes.config(dir, List.of()).withPutsPerSecondPerClient(3))) {
            int limited = 0;
            for (int i = 0; i < 10; i++) {
                byte[] block = ("block " + i).getBytes();
                HttpResponse<byte[]> r = Http.put(node.url(), "/blocks/" + Address.of(block), block);
                if (r.statusCode() == 429) {
                    limited++;
                    assertThat(r.headers().firstValueAsLong("retry-after").orElseThrow()).isBetween(1L, 2L);
                    assertThat(node.store().contains(Address.of(block))).isFalse();
                } else {
                    assertThat(r.statusCode()).isEqualTo(201);
                }
            }
            assertThat(limited).isGreaterThanOrEqualTo(6);
            byte[] peer = "from a peer".getBytes();
            HttpResponse<byte[]> r = Http.send(Http.at(node.url(), "/blocks/" + Address.of(peer))
                    .header("Authorization", "Bearer " + TestNodes.KEY).PUT(HttpRequest.BodyPublishers.ofByteArray(peer)));
            assertThat(r.statusCode()).isEqualTo(201);
        }
    }
}
