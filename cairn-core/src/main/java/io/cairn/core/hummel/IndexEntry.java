package io.cairn.core.hummel;

import java.util.Objects;

/**
 * One file of a repository index (SPEC §3.5): its path, size in bytes, modification time in epoch
 * milliseconds, permission bits, the SHA-256 of its content (64 lowercase hex) and the size of its
 * gzip archive {@code [hash].gz} (so that a client can split a download into ranges before it
 * asks; -1 when unknown).
 *
 * <p>The constructor checks what can be checked without the disk, except the path: an index from
 * a hostile master is decoded entry by entry and {@link RepoPath} judges each path, so that one
 * bad entry is refused without losing the others.
 *
 * @param mode the permission bits, 0..0777 (set-id and sticky bits are not carried)
 */
public record IndexEntry(String path, long size, long mtime, int mode, String hash, long archiveSize) {
    public static final int MODE_MASK = 0777;

    public IndexEntry {
        Objects.requireNonNull(path, "path");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        if ((mode & ~MODE_MASK) != 0) {
            throw new IllegalArgumentException("mode must be within 0777, got " + Integer.toOctalString(mode));
        }
        if (!isHash(hash)) {
            throw new IllegalArgumentException("hash must be 64 lowercase hex characters");
        }
        if (archiveSize < -1) {
            throw new IllegalArgumentException("archiveSize must be >= -1, got " + archiveSize);
        }
    }

    public IndexEntry withMode(int newMode) {
        return new IndexEntry(path, size, mtime, newMode, hash, archiveSize);
    }

    public IndexEntry withArchiveSize(long bytes) {
        return new IndexEntry(path, size, mtime, mode, hash, bytes);
    }

    /** True for 64 lowercase hex characters. */
    public static boolean isHash(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
