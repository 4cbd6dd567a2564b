package io.cairn.node.directory;

import static io.cairn.node.Http.get;
import static io.cairn.node.Http.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.names.Name;
import io.cairn.node.CairnNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §3.4: "when the owner is down, its successor answers". */
class OwnerDownTest {
    @TempDir
    Path dir;

    private static String path(String name) {
        return "/names/" + Name.of(name).toUrlPath();
    }

    @Test
    void whenTheOwnerIsDownItsSuccessorAnswers() throws Exception {
        try (DirectoryNodes cluster = DirectoryNodes.start(dir, 3)) {
            run(cluster);
        }
    }

    private static void run(DirectoryNodes cluster) {
        String name = "survives/owner-loss";
        byte[] body = "still here".getBytes(StandardCharsets.UTF_8);
        assertThat(put(cluster.running().getFirst().url(), path(name), body).statusCode()).isEqualTo(201);
        List<CairnNode> s = cluster.successors(Name.of(name), cluster.running());
        CairnNode owner = s.getFirst();
        CairnNode successor = s.get(1);
        // The owner's replicas: wait until the successor holds the record (quorum is 2 of 3).
        await().atMost(DirectoryNodes.WAIT).until(() -> successor.directory().recordCount() > 0);
        cluster.stop(owner);
        cluster.awaitAlive(2);
        HttpResponse<byte[]> got = get(successor.url(), path(name));
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(body);
        CairnNode third = cluster.running().stream().filter(n -> n != successor).findFirst().orElseThrow();
        HttpResponse<byte[]> viaThird = get(third.url(), path(name));
        assertThat(viaThird.statusCode()).isEqualTo(307);
        assertThat(viaThird.headers().firstValue("Location")).hasValue(successor.url() + path(name));
    }

}
