package io.cairn.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PublicationTest {
    private static void badRequest(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void validatesEveryField() {
        List<NodeId> none = List.of();
        badRequest(() -> new Publication("", "t", "1", 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("a/b", "t", "1", 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("x".repeat(65), "t", "1", 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("id", "", "1", 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("id", "a\nb", "1", 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("id", "é".repeat(129), "1", 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("id", "t", null, 1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("id", "t", "\"" + "é".repeat(32 * 1024) + "\"", 1, none), ErrorCode.TOO_LARGE);
        badRequest(() -> new Publication("id", "t", "1", -1, none), ErrorCode.BAD_REQUEST);
        badRequest(() -> new Publication("id", "t", "1", PubSubLimits.MAX_TTL + 1, none), ErrorCode.BAD_REQUEST);
        List<NodeId> tooMany = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(51);
        for (int i = 0; i <= PubSubLimits.MAX_MET; i++) {
            tooMany.add(NodeId.random(random));
        }
        badRequest(() -> new Publication("id", "t", "1", 1, tooMany), ErrorCode.BAD_REQUEST);
        assertThat(new Publication("id", "é".repeat(128), "x".repeat(PubSubLimits.MAX_PAYLOAD_BYTES), 64, tooMany.subList(0, 65)))
                .isNotNull();
    }

    @Test
    void nextHopDecrementsAndRecordsTheSubscriberOnce() {
        SplittableRandom random = new SplittableRandom(52);
        NodeId s = NodeId.random(random);
        Publication p = Publication.publish("news", "{\"a\":1}", 2, random);
        assertThat(p.id()).hasSize(32).matches("[0-9a-f]+");
        Publication q = p.nextHop(s);
        assertThat(q.ttl()).isEqualTo(1);
        assertThat(q.met()).containsExactly(s);
        assertThat(q.nextHop(s).met()).containsExactly(s);
        assertThat(q.nextHop(null).payload()).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> q.nextHop(null).nextHop(null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void seenSetIsABoundedLeastRecentlySeenSet() {
        SeenPublications seen = new SeenPublications(2);
        assertThat(seen.firstSighting("a")).isTrue();
        assertThat(seen.firstSighting("b")).isTrue();
        assertThat(seen.firstSighting("a")).isFalse(); // touches a: b is now eldest
        assertThat(seen.firstSighting("c")).isTrue();  // evicts b
        assertThat(seen.contains("a")).isTrue();
        assertThat(seen.contains("b")).isFalse();
        assertThat(seen.size()).isEqualTo(2);
        assertThatThrownBy(() -> new SeenPublications(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
