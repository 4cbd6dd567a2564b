package io.cairn.client.sync;

import io.cairn.core.hummel.RepoPath;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;

/**
 * Every write of a sync goes through here, and nothing here can write outside the target root.
 *
 * <p>Why it holds: a path is accepted only if it is a valid {@link RepoPath} (relative, no
 * {@code .} or {@code ..}, no empty segment), so resolving it under the root lexically stays
 * under the root. The only other way out is a symlink on the way, so before a file is written
 * every ancestor directory is checked with lstat (never following links) and created when
 * missing; a symlink or non-directory there refuses the write. The file itself is written to a
 * fresh temp file in its final directory (created exclusively, so an existing link is never
 * written through) and renamed over the destination: rename replaces a symlink, it does not
 * follow it. A local user racing the sync to swap a directory for a link between check and use
 * is outside this guarantee (the master is the adversary here, not the local machine).
 */
final class SafeTarget {
    static final String TEMP_PREFIX = ".cairn-sync-";

    private final Path root;
    private final SecureRandom random = new SecureRandom();

    SafeTarget(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The directory {@code path} goes in, every ancestor checked and created as needed. */
    Path directoryFor(String path) throws IOException {
        RepoPath.require(path);
        Path dir = root;
        for (String a : RepoPath.ancestors(path)) {
            dir = root.resolve(a);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException missing) {
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException raced) {
                    // checked below
                }
                attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            if (!attrs.isDirectory() || attrs.isSymbolicLink()) {
                throw new IOException("refusing to write " + RepoPath.printable(path) + ": " + RepoPath.printable(a)
                        + " is " + (attrs.isSymbolicLink() ? "a symlink" : "not a directory"));
            }
        }
        return dir;
    }

    /** A new empty temp file beside where {@code path} will go. */
    Path tempFor(String path, String suffix) throws IOException {
        try (Temp t = openTemp(path, suffix)) {
            return t.path();
        }
    }

    /** A temp file and the channel it was created with; closing closes the channel only. */
    record Temp(Path path, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * A new temp file beside where {@code path} will go, open for writing. It is created
     * exclusively ({@code O_CREAT|O_EXCL}: an existing name or link is never written through) and
     * written through this one channel, never reopened with {@code O_TRUNC}: on ext4 truncating a
     * file to zero marks it for a flush at close (auto_da_alloc), which made every fetched file
     * start its own writeback.
     */
    Temp openTemp(String path, String suffix) throws IOException {
        Path dir = directoryFor(path);
        for (int i = 0; i < 16; i++) {
            Path t = dir.resolve(TEMP_PREFIX + Long.toHexString(random.nextLong()) + suffix);
            try {
                return new Temp(t, FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException taken) {
                // try another name
            }
        }
        throw new IOException("cannot make a temp file in " + dir);
    }

    /** Gives {@code temp} its mode and mtime and renames it over {@code path}. */
    void install(Path temp, String path, int mode, long mtimeMs) throws IOException {
        Path dir = directoryFor(path);
        if (!temp.getParent().equals(dir)) {
            throw new IOException("temp file " + temp + " is not beside " + RepoPath.printable(path));
        }
        Files.setPosixFilePermissions(temp, LocalTree.permissions(mode));
        Files.setLastModifiedTime(temp, FileTime.fromMillis(mtimeMs));
        Files.move(temp, root.resolve(path), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void chmod(String path, int mode) throws IOException {
        directoryFor(path);
        Path p = root.resolve(path);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(RepoPath.printable(path) + " is no longer a regular file");
        }
        Files.setPosixFilePermissions(p, LocalTree.permissions(mode));
    }

    /** Deletes {@code path} itself (a link, not its target; a directory only when empty). */
    void delete(String path) throws IOException {
        RepoPath.require(path);
        for (String a : RepoPath.ancestors(path)) {
            if (Files.isSymbolicLink(root.resolve(a))) {
                throw new IOException("refusing to delete under the symlink " + RepoPath.printable(a));
            }
        }
        Files.deleteIfExists(root.resolve(path));
    }
}
