package io.cairn.client.apidrive;

import io.cairn.client.CairnClient;
import io.cairn.core.Address;
import io.cairn.core.Manifest;
import io.cairn.core.ManifestCodec;
import io.cairn.core.NodeInfo;
import io.cairn.core.apidrive.SeedManifest;
import java.net.URI;
import java.util.List;

/**
 * Writes the seed's portable manifest of a file already in the cluster (SPEC §3.3;
 * {@code cairn put --apidrive-manifest}): its cairn manifest is read back (verified) and each
 * chunk's URLs are the {@code /api/drive/retrieve} of its replicas in the current node list, in
 * XOR order, at most three.
 */
public final class SeedManifests {
    private SeedManifests() {}

    public static SeedManifest of(CairnClient client, Address file, String fileName) {
        Manifest manifest = ManifestCodec.decode(client.getBlock(file));
        List<NodeInfo> nodes = client.view().refresh();
        return SeedManifest.fromManifest(fileName, manifest, a -> urls(a, nodes));
    }

    private static List<URI> urls(Address chunk, List<NodeInfo> nodes) {
        return io.cairn.client.Replicas.replicas(chunk, nodes, io.cairn.client.ReplicationPolicy.DEFAULT).stream()
                .map(n -> SeedManifest.retrieveUrl(n.url())).toList();
    }
}
