package io.cairn.node.hummel;

import io.cairn.core.Hex;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;

/**
 * Checks a downloaded archive and, on request, keeps its content (DECISIONS 83): the gzip stream
 * is inflated once, hashed, and, while it stays worth it, written to a content file beside it.
 *
 * <p>Why keep the content: a client on a fast link (loopback, LAN) spends more CPU inflating a
 * deflated archive (zlib: ~300 MB/s of text on this machine) than receiving its content; a slave
 * that kept the content it inflated anyway while verifying can hand it over as is. Only deflated
 * archives are worth it: an archive of stored windows (DECISIONS 77) inflates at memory speed, so
 * a content copy would only double the disk. The rule: a copy is kept when the archive is under
 * {@link #KEEP_BELOW} of its content; so that a large stored archive is not written twice, past
 * the first {@link #PROBE_BYTES} of content the writing stops as soon as the archive read so far
 * is not under that share of the content written (input is read in buffers: a rough measure).
 */
final class ArchiveCheck {
    static final long PROBE_BYTES = 1024 * 1024;
    static final double KEEP_BELOW = 0.9;

    /** The outcome: whether the content hashes right, and whether a content file was kept. */
    record Result(boolean matches, boolean contentKept) {}

    private ArchiveCheck() {}

    /** Pure: is a content copy worth keeping after this much archive and content? */
    static boolean worthKeeping(long archiveBytesRead, long contentBytes) {
        return contentBytes < PROBE_BYTES || archiveBytesRead < KEEP_BELOW * contentBytes;
    }

    /**
     * Inflates {@code gz}; true when its content hashes to {@code hash}. With {@code content}
     * non-null the content is also written there (a new file), and deleted again when the
     * archive turns out not to be worth it or does not match.
     */
    static Result check(Path gz, String hash, Path content) {
        FileChannel out = null;
        boolean keep = content != null;
        try (Counting counted = new Counting(Files.newInputStream(gz));
             InputStream in = new GZIPInputStream(counted, 64 * 1024)) {
            if (keep) {
                out = FileChannel.open(content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            MessageDigest sha = io.cairn.core.Address.sha256();
            byte[] buf = new byte[128 * 1024];
            long total = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                sha.update(buf, 0, n);
                total += n;
                if (keep && !worthKeeping(counted.count, total)) {
                    keep = false;
                    out.close();
                    out = null;
                    Files.deleteIfExists(content);
                }
                if (keep) {
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                }
            }
            if (out != null) {
                out.close();
                out = null;
            }
            boolean matches = Hex.encode(sha.digest()).equals(hash);
            keep &= matches && Files.size(gz) < KEEP_BELOW * total;
            return new Result(matches, keep);
        } catch (IOException e) {
            keep = false;
            return new Result(false, false);
        } finally {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    keep = false;
                }
            }
            if (content != null && !keep) {
                try {
                    Files.deleteIfExists(content);
                } catch (IOException ignored) {
                    // deleted at the next start
                }
            }
        }
    }

    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
