package io.cairn.client.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UrlOrderTest {
    private static final URI A = URI.create("http://10.0.0.1:7070/api/drive/retrieve");
    private static final URI B = URI.create("http://10.0.0.2:7070/api/drive/retrieve");
    private static final URI C = URI.create("http://10.0.0.3/api/drive/retrieve");

    @Test
    void everyUrlOnceAndTheFirstSpreadByLoad() {
        long seed = 5L;
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, UrlOrder.Health> health = Map.of(
                UrlOrder.server(A), new UrlOrder.Health(0, 0, false),   // idle: weight 1
                UrlOrder.server(B), new UrlOrder.Health(3, 0, false));  // 3 in flight: weight 1/4
        Map<URI, Integer> first = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            List<URI> order = UrlOrder.order(List.of(A, B, C), health, random);
            assertThat(order).containsExactlyInAnyOrder(A, B, C);
            first.merge(order.getFirst(), 1, Integer::sum);
        }
        // weights 1 : 1/4 : 1 (C unknown counts as idle) → 4/9, 1/9, 4/9
        assertThat(first.get(A)).as("seed %d", seed).isBetween(4_100, 4_800);
        assertThat(first.get(B)).as("seed %d", seed).isBetween(850, 1_400);
        assertThat(first.get(C)).as("seed %d", seed).isBetween(4_100, 4_800);
    }

    @Test
    void failuresDemoteAndBackingOffGoesLast() {
        SplittableRandom random = new SplittableRandom(7);
        Map<String, UrlOrder.Health> health = Map.of(
                UrlOrder.server(A), new UrlOrder.Health(-1, 10, false),
                UrlOrder.server(B), new UrlOrder.Health(-1, 0, true));
        int aFirst = 0;
        for (int i = 0; i < 1_000; i++) {
            List<URI> order = UrlOrder.order(List.of(A, B, C), health, random);
            assertThat(order.getLast()).isEqualTo(B);
            aFirst += order.getFirst().equals(A) ? 1 : 0;
        }
        assertThat(aFirst).as("A failed 10 times: weight 1/1024").isLessThan(10);
        assertThat(UrlOrder.server(C)).isEqualTo("http://10.0.0.3:80");
    }
}
