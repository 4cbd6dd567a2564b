package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.JettyTransport;
import io.cairn.client.ProgressListener;
import io.cairn.client.apidrive.SeedDownloader;
import io.cairn.client.apidrive.SeedManifests;
import io.cairn.core.Address;
import io.cairn.core.apidrive.SeedManifest;
import io.cairn.core.apidrive.SeedManifestCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The seed's portable manifests on the command line (issue #5): {@code cairn put
 * --apidrive-manifest OUT.json} writes one, {@code cairn get --apidrive-manifest IN.json} downloads
 * from one. Kept apart from the put and get commands so that they change by a few lines only.
 */
final class DriveManifestIo {
    /** Connections per server while downloading from a seed manifest. */
    static final int CONNECTIONS_PER_SERVER = 64;

    private DriveManifestIo() {}

    /** Writes the seed manifest of {@code file} (already stored) to {@code out}, atomically. */
    static void write(CairnClient client, Address file, String fileName, Path out) throws IOException {
        SeedManifest manifest = SeedManifests.of(client, file, fileName);
        Path abs = out.toAbsolutePath();
        Path temp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".part");
        try {
            Files.write(temp, SeedManifestCodec.encode(manifest));
            Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static SeedManifest read(Path in) throws IOException {
        long size = Files.size(in);
        if (size > SeedManifestCodec.MAX_BYTES) {
            throw new IOException(in + " is larger than a seed manifest may be (" + SeedManifestCodec.MAX_BYTES + " bytes)");
        }
        return SeedManifestCodec.decode(Files.readAllBytes(in));
    }

    /**
     * Downloads the file of {@code manifest} to {@code target} (or {@code stdout} when null);
     * {@code cluster} non-null lets chunks whose URLs all fail be read through the cluster.
     */
    static SeedDownloader.Result download(SeedManifest manifest, Path target, OutputStream stdout, CairnClient cluster,
                                          int maxChunksInFlight, ProgressListener progress) throws IOException {
        try (JettyTransport transport = JettyTransport.builder().maxInFlightPerNode(CONNECTIONS_PER_SERVER)
                .maxQueuedPerNode(8192).build()) {
            Function<Address, byte[]> fallback = cluster == null ? null : cluster::getBlock;
            SeedDownloader downloader = new SeedDownloader(transport, maxChunksInFlight,
                    SeedDownloader.DEFAULT_CALL_TIMEOUT, fallback, new SecureRandom());
            return target == null ? downloader.download(manifest, stdout, progress)
                    : downloader.download(manifest, target, progress);
        }
    }
}
