package io.cairn.testkit.apidrive;

import static org.awaitility.Awaitility.await;

import io.cairn.core.Address;
import io.cairn.core.NodeInfo;
import io.cairn.core.apidrive.DriveCodec;
import io.cairn.testkit.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The API Drive calls and the waits the cluster suites share. */
final class DriveCalls {
    static final DriveCodec CODEC = new DriveCodec();
    static final Duration MEMBERSHIP_BOUND = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private DriveCalls() {}

    static HttpResponse<byte[]> post(URI node, String path, byte[] body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/bson").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> store(URI node, byte[] data) {
        return post(node, "/api/drive/store", CODEC.encodeStoreRequest(data));
    }

    static HttpResponse<byte[]> retrieve(URI node, Address id) {
        return post(node, "/api/drive/retrieve", CODEC.encodeRetrieveRequest(id));
    }

    /** Waits until every running node sees exactly {@code alive} alive nodes. */
    static void awaitAlive(TestCluster cluster, int alive) {
        for (int i : cluster.runningNodes()) {
            int node = i;
            await("node " + i + " sees " + alive + " alive").atMost(MEMBERSHIP_BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(() -> cluster.node(node).nodes().stream().filter(NodeInfo::alive).count() == alive);
        }
    }
}
