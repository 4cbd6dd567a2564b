package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The quorum state machine, driven by hand: each node's reply is a future the test completes. */
class QuorumWriteTest {
    final long seed = 314;
    final List<NodeInfo> nodes = ReplicasTest.randomNodes(new Random(seed), 5);
    final Replicas.WritePlan plan = Replicas.writePlan(Address.of(new byte[] {1}), nodes, ReplicationPolicy.DEFAULT);
    final Map<NodeInfo, CompletableFuture<HttpReply>> calls = new HashMap<>();
    final List<NodeInfo> asked = new ArrayList<>();

    QuorumWrite start() {
        return QuorumWrite.start(plan, node -> {
            asked.add(node);
            CompletableFuture<HttpReply> f = new CompletableFuture<>();
            calls.put(node, f);
            return f;
        });
    }

    static HttpReply status(int s) {
        return new HttpReply(s, Map.of(), new byte[0]);
    }

    NodeInfo primary(int i) {
        return plan.primaries().get(i);
    }

    @Test
    void acknowledgedAtTwoOfThreeWhileTheThirdIsStillWriting() {
        QuorumWrite w = start();
        assertThat(asked).as("seed %d", seed).containsExactlyElementsOf(plan.primaries());
        calls.get(primary(0)).complete(status(201));
        assertThat(w.acknowledged()).isNotDone();
        calls.get(primary(2)).complete(status(200));
        assertThat(w.acknowledged()).isCompletedWithValueMatching(h -> h.size() == 2);
        assertThat(w.settled()).isNotDone();
        calls.get(primary(1)).complete(status(201));
        assertThat(w.settled()).isCompletedWithValueMatching(h -> h.size() == 3);
    }

    @Test
    void aFailedPrimaryIsReplacedByTheNextClosestNode() {
        QuorumWrite w = start();
        calls.get(primary(0)).completeExceptionally(new CairnException(ErrorCode.UNAVAILABLE, "refused"));
        assertThat(asked).hasSize(4).last().isEqualTo(plan.fallbacks().get(0));
        calls.get(primary(1)).complete(status(201));
        calls.get(plan.fallbacks().get(0)).complete(status(201));
        assertThat(w.acknowledged()).isCompletedWithValueMatching(h -> h.contains(plan.fallbacks().get(0)));
    }

    @Test
    void aHashMismatchFailsAtOnceWithoutFallbacks() {
        QuorumWrite w = start();
        calls.get(primary(0)).complete(status(422));
        assertThat(asked).hasSize(3);
        assertThatThrownBy(() -> w.acknowledged().join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(CairnException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH));
    }

    @Test
    void tooFewCopiesIsUnavailableAndFullNodesAre507() {
        QuorumWrite w = start();
        for (int i = 0; i < 3; i++) {
            calls.get(primary(i)).complete(status(507));
        }
        // Two fallbacks exist (5 nodes, 3 primaries): both are tried, both full.
        assertThat(asked).hasSize(5);
        plan.fallbacks().forEach(n -> calls.get(n).complete(status(507)));
        assertThatThrownBy(() -> w.acknowledged().join()).cause().isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
        assertThat(w.settled()).isCompletedWithValueMatching(List::isEmpty);
    }

    @Test
    void oneCopyOnlyIsUnavailable() {
        QuorumWrite w = start();
        calls.get(primary(0)).complete(status(201));
        calls.get(primary(1)).completeExceptionally(new CairnException(ErrorCode.UNAVAILABLE, "down"));
        calls.get(primary(2)).complete(status(500));
        plan.fallbacks().forEach(n -> calls.get(n).completeExceptionally(new CairnException(ErrorCode.UNAVAILABLE, "down")));
        assertThatThrownBy(() -> w.acknowledged().join()).cause().isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("1 of the 2");
        });
    }
}
