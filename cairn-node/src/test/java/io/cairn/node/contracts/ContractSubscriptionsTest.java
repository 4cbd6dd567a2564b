package io.cairn.node.contracts;

import static io.cairn.node.Http.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.node.CairnNode;
import io.cairn.node.TestNodes;
import io.cairn.node.pubsub.PubSubSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A storage node's contract subscriptions follow its free space, maximum duration and speed. */
class ContractSubscriptionsTest {
    private static final long SEED = 7_021L;
    static final PubSubSettings FAST = PubSubSettings.DEFAULTS.withTimers(Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofMillis(500));

    @TempDir
    Path dir;

    @Test
    void subscriptionsShrinkWhenFreeSpaceFallsBelowATier() {
        // 9 MB: size tier low only; 100 days → duration low, medium; availability measured (fresh: 100 %) → all
        // three; 7 Mbps → speed low. 1 × 2 × 3 × 1 = 6 topics.
        try (CairnNode node = CairnNode.start(TestNodes.config(dir.resolve("n"), List.of())
                .withCapacityBytes(9_000_000).withPubSub(FAST.withCapability(100, 7, -1)))) {
            assertThat(node.contracts().pubsub().contractTopics()).hasSize(6)
                    .contains("0f01010101", "0f01020301").doesNotContain("0f02010101", "0f01030101", "0f01010102");
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < 2; i++) {
                byte[] block = new byte[1_000_000];
                random.nextBytes(block);
                assertThat(put(node.url(), "/blocks/" + Address.of(block), block).statusCode()).isEqualTo(201);
            }
            Awaitility.await("seed " + SEED).atMost(Duration.ofSeconds(10))
                    .until(() -> node.contracts().pubsub().contractTopics().isEmpty());
            assertThat(node.contracts().capability().freeBytes()).isLessThan(8_000_000);
        }
    }

    @Test
    void aNodeWithoutTheStorageRoleSubscribesToNoContractTopic() {
        var config = TestNodes.config(dir.resolve("d"), List.of()).withPubSub(FAST);
        config = new io.cairn.node.NodeConfig(config.host(), 0, config.dataDir(), List.of(), config.clusterKey(), 0,
                java.util.Set.of("distribute"), config.gossipInterval()).withPubSub(FAST);
        try (CairnNode node = CairnNode.start(config)) {
            assertThat(node.contracts().pubsub().contractTopics()).isEmpty();
        }
    }
}
