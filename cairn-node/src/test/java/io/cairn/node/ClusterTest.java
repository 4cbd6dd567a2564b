package io.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.core.CairnException;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeInfoCodec;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership across in-process nodes: join, failure detection, restart, duplicate IDs, the data-directory lock. */
class ClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    Path dir;
    private CairnNode a;
    private CairnNode b;
    private CairnNode c;

    @AfterEach
    void stop() {
        for (CairnNode n : new CairnNode[] {c, b, a}) {
            if (n != null) {
                n.close();
            }
        }
    }

    /** The node list as {@code GET /nodes} serves it, by ID. */
    private static Map<NodeId, NodeInfo> nodes(CairnNode at) {
        return NodeInfoCodec.decodeList(Http.get(at.url(), "/nodes").body()).stream()
                .collect(Collectors.toMap(NodeInfo::id, n -> n));
    }

    private static Optional<NodeStatus> statusOf(CairnNode at, NodeId id) {
        return Optional.ofNullable(nodes(at).get(id)).map(NodeInfo::status);
    }

    private void startThree() {
        a = TestNodes.start(dir.resolve("a"));
        b = TestNodes.start(dir.resolve("b"), a.url());
        c = TestNodes.start(dir.resolve("c"), a.url());
    }

    @Test
    void threeNodesJoinedThroughOneLearnEachOther() {
        startThree();
        for (CairnNode n : new CairnNode[] {a, b, c}) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(nodes(n)).containsOnlyKeys(a.id(), b.id(), c.id())
                    .allSatisfy((id, info) -> assertThat(info.status()).isEqualTo(NodeStatus.ALIVE)));
        }
        NodeInfo bAtC = nodes(c).get(b.id());
        assertThat(bAtC.url()).isEqualTo(b.url());
        assertThat(bAtC.roles()).containsExactly("storage");
        assertThat(bAtC.capacityBytes()).isPositive();
        assertThat(bAtC.lastSeenMillis()).isPositive();
    }

    @Test
    void aClosedNodeBecomesSuspectThenDeadAndComesBackAliveWithItsIdAfterARestart() {
        startThree();
        await().atMost(WAIT).until(() -> nodes(b).size() == 3 && nodes(c).size() == 3);
        NodeId aId = a.id();
        int aPort = a.port();
        a.close();
        a = null;
        // Either observer may see the suspect phase; both must end at dead, and both must pass through suspect.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> statusOf(b, aId).orElseThrow() == NodeStatus.SUSPECT);
        await().atMost(WAIT).until(() -> statusOf(b, aId).orElseThrow() == NodeStatus.DEAD
                && statusOf(c, aId).orElseThrow() == NodeStatus.DEAD);
        assertThat(nodes(b).get(c.id()).status()).isEqualTo(NodeStatus.ALIVE);

        // The restarted node remembers nobody and joins nobody: the others must find it.
        a = CairnNode.start(TestNodes.config(dir.resolve("a"), List.of()).withPort(aPort));
        assertThat(a.id()).isEqualTo(aId);
        assertThat(Http.text(Http.get(a.url(), "/id"))).isEqualTo(aId.hex());
        await().atMost(WAIT).until(() -> statusOf(b, aId).orElseThrow() == NodeStatus.ALIVE
                && statusOf(c, aId).orElseThrow() == NodeStatus.ALIVE);
        await().atMost(WAIT).until(() -> nodes(a).size() == 3);
    }

    @Test
    void aSecondNodeOnTheSameDataDirectoryIsRefused() {
        a = TestNodes.start(dir.resolve("a"));
        assertThatThrownBy(() -> TestNodes.start(dir.resolve("a")))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("data directory")
                .hasMessageContaining("is in use by another running node");
        // The refused start left the first node untouched.
        assertThat(Http.get(a.url(), "/health").statusCode()).isEqualTo(200);
        NodeId id = a.id();
        a.close();
        a = TestNodes.start(dir.resolve("a"));
        assertThat(a.id()).isEqualTo(id);
    }

    @Test
    void aNodeWithADuplicateIdIsRefusedByTheCluster() throws Exception {
        a = TestNodes.start(dir.resolve("a"));
        b = TestNodes.start(dir.resolve("b"), a.url());
        await().atMost(WAIT).until(() -> nodes(a).size() == 2);
        Path clone = Files.createDirectories(dir.resolve("clone"));
        Files.copy(dir.resolve("b").resolve("node.id"), clone.resolve("node.id"));
        c = TestNodes.start(clone, a.url());
        assertThat(c.id()).isEqualTo(b.id());
        await().atMost(WAIT).until(() -> Http.text(Http.get(c.url(), "/health")).contains("refused"));
        assertThat(nodes(a).get(b.id()).url()).isEqualTo(b.url());
        assertThat(nodes(a).values()).extracting(NodeInfo::url).doesNotContain(c.url());
        assertThat(nodes(b).values()).extracting(NodeInfo::url).doesNotContain(c.url());
    }

    @Test
    void theJoinUrlsAreUsedUntilSomeoneAnswers() {
        URI nobody = URI.create("http://127.0.0.1:1");
        a = TestNodes.start(dir.resolve("a"), nobody);
        b = TestNodes.start(dir.resolve("b"), nobody, a.url());
        await().atMost(WAIT).until(() -> nodes(a).size() == 2 && nodes(b).size() == 2);
    }
}
