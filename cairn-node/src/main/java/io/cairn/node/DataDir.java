package io.cairn.node;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.NodeId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A node's data directory, version 1:
 * <table>
 *   <caption>layout</caption>
 *   <tr><th>path</th><th>content</th></tr>
 *   <tr><td>node.id</td><td>the node ID, 64 lowercase hex characters and a newline; written once, at first start</td></tr>
 *   <tr><td>node.lock</td><td>empty; held with an exclusive OS lock while the node runs</td></tr>
 *   <tr><td>blocks/</td><td>the block store (its own format, see cairn-store)</td></tr>
 * </table>
 * The lock is taken before anything else is read or written, so two nodes can never share a
 * directory; the OS drops it when the process dies, so a kill -9 leaves nothing to clean up.
 */
final class DataDir implements AutoCloseable {
    static final String ID_FILE = "node.id";
    static final String LOCK_FILE = "node.lock";
    static final String BLOCKS_DIR = "blocks";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it; refuses when another node holds it. */
    static DataDir lock(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another node in this same JVM
            }
            if (lock == null) {
                channel.close();
                throw new CairnException(ErrorCode.CONFLICT, "data directory " + dir.toAbsolutePath()
                        + " is in use by another running node");
            }
            return new DataDir(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CairnException(ErrorCode.INTERNAL, "cannot open data directory " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    Path blocksDir() {
        return dir.resolve(BLOCKS_DIR);
    }

    /** The node's ID: read from node.id, or made and written durably at first start. */
    NodeId loadOrCreateId() {
        Path file = dir.resolve(ID_FILE);
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            try {
                return NodeId.parse(text);
            } catch (CairnException e) {
                throw new CairnException(ErrorCode.INTERNAL, file.toAbsolutePath() + " is damaged (" + e.getMessage()
                        + "); refusing to start under another identity. Restore it or remove it to start as a new node.");
            }
        } catch (NoSuchFileException e) {
            return createId(file);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INTERNAL, "cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private NodeId createId(Path file) {
        NodeId id = NodeId.random();
        Path tmp = dir.resolve(ID_FILE + ".tmp");
        try {
            // Write, fsync, rename, fsync the directory: a crash leaves either no node.id or a
            // whole one, never a half-written identity.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((id.hex() + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
            return id;
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INTERNAL, "cannot write " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for fsync; the rename is still atomic.
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
