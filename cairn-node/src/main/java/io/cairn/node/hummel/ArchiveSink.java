package io.cairn.node.hummel;

import io.cairn.core.Address;
import java.io.InputStream;

/**
 * Where a build puts a new archive: in production a file in the cluster ({@code CairnClient.put},
 * quorum-written, so repair, leases and scrubbing apply); in tests anything. Returns the address
 * the archive can be fetched by. The stream holds {@code bytes} bytes and is the caller's to close.
 * Failures are exceptions and fail the build.
 */
@FunctionalInterface
public interface ArchiveSink {
    Address store(InputStream archive, long bytes) throws Exception;
}
