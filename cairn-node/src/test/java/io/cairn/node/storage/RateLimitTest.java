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
            // The bucket refills in wall-clock time, so the bound on successes grows with how long
            // the loop took: burst 3 plus 3 a second. On a loaded machine the loop may be slow.
            int limited = 0;
            int created = 0;
            long startNanos = System.nanoTime();
            for (int i = 0; i < 60 && limited < 3; i++) {
                byte[] block = ("block " + i).getBytes();
                HttpResponse<byte[]> r = Http.put(node.url(), "/blocks/" + Address.of(block), block);
                if (r.statusCode() == 429) {
                    limited++;
                    assertThat(r.headers().firstValueAsLong("retry-after").orElseThrow()).isBetween(1L, 2L);
                    assertThat(node.store().contains(Address.of(block))).isFalse();
                } else {
                    assertThat(r.statusCode()).isEqualTo(201);
                    created++;
                }
            }
            double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
            assertThat(limited).as("some puts were limited").isEqualTo(3);
            assertThat(created).as("created within %.1f s", elapsedSeconds)
                    .isLessThanOrEqualTo(3 + (int) Math.ceil(3 * elapsedSeconds) + 1);
            byte[] peer = "from a peer".getBytes();
            HttpResponse<byte[]> r = Http.send(Http.at(node.url(), "/blocks/" + Address.of(peer))
                    .header("Authorization", "Bearer " + TestNodes.KEY).PUT(HttpRequest.BodyPublishers.ofByteArray(peer)));
            assertThat(r.statusCode()).isEqualTo(201);
        }
    }
}
