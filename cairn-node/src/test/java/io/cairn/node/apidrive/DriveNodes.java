package io.cairn.node.apidrive;

import io.cairn.node.NodeConfig;
import io.cairn.node.TestNodes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import io.cairn.node.Http;

/** A one-node cluster that can store on its own (replication 1) and the two API Drive calls. */
final class DriveNodes {
    private DriveNodes() {}

    static NodeConfig single(Path dir, DriveSettings drive) {
        return new NodeConfig(NodeConfig.DEFAULT_HOST, 0, dir, List.of(), TestNodes.KEY, 0, Set.of("storage"),
                TestNodes.INTERVAL, TestNodes.SUSPECT, TestNodes.DEAD, Duration.ofHours(1), 1,
                NodeConfig.DEFAULT_PUTS_PER_SECOND_PER_CLIENT, NodeConfig.DEFAULT_FILE_READ_AHEAD_CHUNKS)
                .withDrive(drive);
    }

    static HttpResponse<byte[]> store(URI node, byte[] bson) {
        return post(node, "/api/drive/store", bson, null);
    }

    static HttpResponse<byte[]> retrieve(URI node, byte[] bson) {
        return post(node, "/api/drive/retrieve", bson, null);
    }

    static HttpResponse<byte[]> post(URI node, String path, byte[] body, String key) {
        HttpRequest.Builder b = Http.at(node, path).header("Content-Type", "application/bson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return Http.send(b);
    }
}
