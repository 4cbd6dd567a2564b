package io.cairn.cli;

import io.cairn.client.CairnClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What every client command shares: which node to ask, and the cluster key if there is one. */
final class ClientOptions {
    static final String DEFAULT_NODE = "http://127.0.0.1:7070";
    /** Where `cairn up` with its defaults keeps the key; used when no key file is named. */
    static final Path DEFAULT_KEY_FILE = Path.of("cairn-data", ClusterKeys.FILE_NAME);

    @Option(names = "--node", paramLabel = "URL", defaultValue = "${env:CAIRN_NODE:-" + DEFAULT_NODE + "}",
            description = "a node of the cluster (default: $CAIRN_NODE, else " + DEFAULT_NODE + ")")
    URI node;

    @Option(names = "--cluster-key-file", paramLabel = "FILE",
            description = "the cluster key; sent with block transfers so that they are not rate limited"
                    + " (default: ./cairn-data/cluster.key when it exists; public calls need none)")
    Path clusterKeyFile;

    /** The key to send, or null to make public calls only. */
    String clusterKey() {
        try {
            if (clusterKeyFile != null) {
                return ClusterKeys.read(clusterKeyFile);
            }
            if (Files.isRegularFile(DEFAULT_KEY_FILE) && Files.isReadable(DEFAULT_KEY_FILE)) {
                return ClusterKeys.read(DEFAULT_KEY_FILE);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    CairnClient.Builder clientBuilder() {
        return CairnClient.builder().node(io.cairn.core.NodeInfoCodec.url(node.toString())).clusterKey(clusterKey());
    }
}
