package io.cairn.node.hummel;

import io.cairn.core.hummel.BuildPlan;
import io.cairn.core.hummel.IndexEntry;
import io.cairn.core.hummel.RepoPath;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Walks a repository directory without following links and lists its regular files. What is not
 * a regular file has a defined outcome, recorded on the build ({@code skipped} or {@code errors}):
 *
 * <table>
 *   <caption>what the scan does with each kind of entry</caption>
 *   <tr><th>entry</th><th>outcome</th></tr>
 *   <tr><td>regular file</td><td>listed (path, size, mtime ms, permission bits)</td></tr>
 *   <tr><td>directory</td><td>walked; an unreadable one is an error and its subtree is left out</td></tr>
 *   <tr><td>symlink (to anything, inside or outside)</td><td>skipped "symlink": never followed,
 *       so nothing outside the root is ever read, and no link target can change under us</td></tr>
 *   <tr><td>FIFO, socket, device</td><td>skipped "special file": never opened (a FIFO would block)</td></tr>
 *   <tr><td>name breaking {@link RepoPath} (e.g. a control character)</td><td>skipped "name"</td></tr>
 *   <tr><td>vanished between listing and stat</td><td>left out silently (it is gone)</td></tr>
 * </table>
 */
final class RepoScanner {
    private RepoScanner() {}

    static List<BuildPlan.Scanned> scan(Path root, BuildProgress progress) throws IOException {
        List<BuildPlan.Scanned> out = new ArrayList<>();
        Deque<Path> dirs = new ArrayDeque<>();
        dirs.push(root);
        while (!dirs.isEmpty()) {
            Path dir = dirs.pop();
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                ds.forEach(children::add);
            } catch (IOException e) {
                if (dir.equals(root)) {
                    throw new IOException("cannot list the repository " + root + ": " + e, e);
                }
                progress.error(rel(root, dir), "unreadable directory: " + e.getClass().getSimpleName());
                continue;
            }
            for (Path child : children) {
                String path = rel(root, child);
                PosixFileAttributes a;
                try {
                    a = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                } catch (IOException e) {
                    progress.error(path, "cannot stat: " + e.getClass().getSimpleName());
                    continue;
                }
                String problem = RepoPath.problem(path);
                if (problem != null) {
                    progress.skip(RepoPath.printable(path), "name: " + problem);
                } else if (a.isSymbolicLink()) {
                    progress.skip(path, "symlink");
                } else if (a.isDirectory()) {
                    dirs.push(child);
                } else if (a.isRegularFile()) {
                    out.add(new BuildPlan.Scanned(path, a.size(), a.lastModifiedTime().toMillis(), mode(a)));
                } else {
                    progress.skip(path, "special file");
                }
            }
        }
        return out;
    }

    static int mode(PosixFileAttributes a) {
        String s = PosixFilePermissions.toString(a.permissions());
        int m = 0;
        for (int i = 0; i < 9; i++) {
            if (s.charAt(i) != '-') {
                m |= 1 << (8 - i);
            }
        }
        return m & IndexEntry.MODE_MASK;
    }

    /** The repository path of {@code p}: relative, '/'-separated. */
    static String rel(Path root, Path p) {
        Path r = root.relativize(p);
        StringBuilder b = new StringBuilder();
        for (Path part : r) {
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(part.toString());
        }
        return b.toString();
    }
}
