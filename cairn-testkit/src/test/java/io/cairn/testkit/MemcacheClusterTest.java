package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.node.directory.DirectorySettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memcache face through a real client library (spymemcached, text protocol) against a
 * 3-node cluster: values set through one node's port are read through another's and through
 * {@code GET /names/{key}}.
 */
class MemcacheClusterTest {
    @TempDir
    Path tmp;

    private static MemcachedClient client(TestCluster cluster, int node) throws Exception {
        return new MemcachedClient(new InetSocketAddress("127.0.0.1", cluster.node(node).directory().memcachePort()));
    }

    @Test
    void aRealClientStoresThroughOneNodeAndReadsThroughAnother() throws Exception {
        long seed = 4_100L;
        DirectorySettings settings = DirectoryClusterTest.FAST.withMemcachePort(0);
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"), settings)) {
            DirectoryClusterTest.awaitAlive(cluster, 3);
            MemcachedClient a = client(cluster, 0);
            MemcachedClient b = client(cluster, 1);
            try {
                assertThat(a.set("greeting", 0, "hello, memcache").get()).isTrue();
                assertThat(b.get("greeting")).isEqualTo("hello, memcache");
                // the same value through HTTP, from any node, following the directory's redirects
                assertThat(new String(NamesHttp.getFollowing(cluster.url(2), "greeting").body(), StandardCharsets.UTF_8))
                        .isEqualTo("hello, memcache");

                byte[] big = new byte[200_000]; // several chunks: stored as a file
                new SplittableRandom(seed).nextBytes(big);
                assertThat(a.set("blob/big", 0, big).get()).isTrue();
                assertThat((byte[]) b.get("blob/big")).as("seed %d", seed).isEqualTo(big);

                assertThat(b.add("greeting", 0, "other").get()).isFalse();
                assertThat(b.add("fresh", 0, "new").get()).isTrue();
                assertThat(a.replace("missing", 0, "x").get()).isFalse();
                assertThat(a.replace("fresh", 0, "newer").get()).isTrue();
                Map<String, Object> bulk = b.getBulk(List.of("greeting", "fresh", "missing"));
                assertThat(bulk).containsOnly(Map.entry("greeting", "hello, memcache"), Map.entry("fresh", "newer"));
                CASValue<Object> cas = a.gets("fresh");
                assertThat(cas.getValue()).isEqualTo("newer");
                assertThat(cas.getCas()).isPositive();

                assertThat(a.touch("fresh", 3600).get()).isTrue();
                assertThat(a.delete("fresh").get()).isTrue();
                assertThat(b.get("fresh")).isNull();
                assertThat(b.delete("fresh").get()).isFalse();

                assertThat(a.set("short-lived", 1, "soon gone").get()).isTrue();
                assertThat(b.get("short-lived")).isEqualTo("soon gone");
                await("exptime 1 s expires").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> b.get("short-lived") == null);

                byte[] tooBig = new byte[(1 << 20) + 1000]; // random, so compression does not shrink it
                new SplittableRandom(seed + 1).nextBytes(tooBig);
                assertThatThrownBy(() -> a.set("too/big", 0, tooBig).get()).hasMessageContaining("object too large");
                assertThat(a.getVersions()).hasSize(1);
                assertThat(a.getStats().values().iterator().next()).containsKey("cmd_get");
            } finally {
                a.shutdown();
                b.shutdown();
            }
        }
    }
}
