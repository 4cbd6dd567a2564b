package io.cairn.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.Json;
import io.cairn.node.CairnNode;
import io.cairn.node.Http;
import io.cairn.node.TestNodes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §5: a full node answers 507 and stores nothing of the refused block. */
class FullStoreTest {
    private static final long SEED = 507L;

    @Test
    void aFullNodeAnswers507AndKeepsWhatItHad(@TempDir Path dir) {
        SplittableRandom random = new SplittableRandom(SEED);
        try (CairnNode node = CairnNode.start(TestNodes.config(dir, List.of()).withCapacityBytes(300_000))) {
            HttpResponse<byte[]> refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                byte[] block = new byte[64 * 1024];
                random.nextBytes(block);
                long before = node.store().blockCount();
                HttpResponse<byte[]> r = Http.put(node.url(), "/blocks/" + Address.of(block), block);
                if (r.statusCode() == 507) {
                    refused = r;
                    assertThat(node.store().blockCount()).isEqualTo(before);
                    assertThat(node.store().contains(Address.of(block))).isFalse();
                } else {
                    assertThat(r.statusCode()).as("seed %d: %s", SEED, Http.text(r)).isEqualTo(201);
                }
            }
            assertThat(refused).as("seed %d: a 300 kB node must fill up within 20 blocks of 64 KiB", SEED).isNotNull();
            assertThat(Json.MAPPER.readTree(refused.body()).get("error").stringValue()).isEqualTo("insufficient_storage");
            assertThat(node.store().space().usedBytes()).isLessThanOrEqualTo(300_000);
        }
    }
}
