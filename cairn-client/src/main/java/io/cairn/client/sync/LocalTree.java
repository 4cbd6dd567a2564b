package io.cairn.client.sync;

import io.cairn.core.hummel.RepoPath;
import io.cairn.core.hummel.SyncPlan;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a sync target holds under a subtree, as {@link SyncPlan} needs it: one lstat per entry,
 * links never followed (a symlink is reported as itself and not entered). The subtree's own
 * ancestors are reported too, so that a symlink on the way to the subtree is seen. Names that
 * are not valid repository paths are not reported (the sync neither writes nor deletes them).
 */
final class LocalTree {
    private LocalTree() {}

    static Map<String, SyncPlan.Local> walk(Path root, String subtree) throws IOException {
        Map<String, SyncPlan.Local> out = new HashMap<>();
        if (!subtree.isEmpty()) {
            java.util.List<String> chain = new java.util.ArrayList<>(RepoPath.ancestors(subtree));
            chain.add(subtree);
            for (String p : chain) {
                SyncPlan.Local l = stat(root.resolve(p));
                if (l == null) {
                    return out;
                }
                out.put(p, l);
                if (l.kind() != SyncPlan.Kind.DIRECTORY) {
                    return out;
                }
            }
        }
        Deque<String> dirs = new ArrayDeque<>();
        dirs.push(subtree);
        while (!dirs.isEmpty()) {
            String rel = dirs.pop();
            Path dir = rel.isEmpty() ? root : root.resolve(rel);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path child : ds) {
                    String name = child.getFileName().toString();
                    String p = rel.isEmpty() ? name : rel + "/" + name;
                    if (!RepoPath.valid(p)) {
                        continue;
                    }
                    SyncPlan.Local l = stat(child);
                    if (l == null) {
                        continue;
                    }
                    out.put(p, l);
                    if (l.kind() == SyncPlan.Kind.DIRECTORY) {
                        dirs.push(p);
                    }
                }
            } catch (NoSuchFileException gone) {
                // vanished meanwhile: nothing there
            }
        }
        return out;
    }

    static SyncPlan.Local stat(Path p) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        SyncPlan.Kind kind = a.isSymbolicLink() ? SyncPlan.Kind.SYMLINK : a.isDirectory() ? SyncPlan.Kind.DIRECTORY
                : a.isRegularFile() ? SyncPlan.Kind.FILE : SyncPlan.Kind.OTHER;
        return new SyncPlan.Local(kind, a.size(), a.lastModifiedTime().toMillis(), mode(a.permissions()));
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return m;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                out.add(p);
            }
        }
        return out;
    }
}
