package io.cairn.cli;

import io.cairn.core.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The cluster key file (SPEC §6): one line, the shared secret. {@code cairn up} makes one of 32
 * random bytes in hex, readable by its owner only (mode 600), and reuses it on the next start.
 */
final class ClusterKeys {
    static final String FILE_NAME = "cluster.key";
    /** Below this a key is too easy to guess to be worth calling a secret. */
    static final int MIN_KEY_CHARS = 16;

    private ClusterKeys() {}

    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no cluster key file at " + file);
        }
        String key = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (key.length() < MIN_KEY_CHARS || key.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IOException("the cluster key in " + file + " must be one line of at least "
                    + MIN_KEY_CHARS + " printable characters");
        }
        return key;
    }

    /** Reads the key in {@code file}, or makes one there (mode 600) when there is none. */
    static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String key = Hex.encode(raw);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return read(file);
        }
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
        return key;
    }
}
