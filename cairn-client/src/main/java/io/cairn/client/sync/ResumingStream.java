package io.cairn.client.sync;

import io.cairn.client.hummel.BulkInputStream;
import io.cairn.client.hummel.HummelHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One archive as a single stream, read from a list of sources with fail-over: when the current
 * source fails (cannot be opened, or the connection breaks mid-body), the stream reopens at the
 * byte it had reached from the next source with {@code Range: bytes=N-}, so a slave that dies
 * mid-download costs only a reconnect. Gives up after {@link #MAX_SWITCHES} switches or when
 * every source failed twice in a row. Not thread-safe.
 */
final class ResumingStream extends BulkInputStream {
    static final int MAX_SWITCHES = 16;

    private final HummelHttp http;
    private final List<URI> urls;
    private final Duration timeout;
    private final SyncStats stats;
    private InputStream current;
    private int source;
    private long offset;
    private int switches;
    private int failuresInARow;
    private IOException last;

    ResumingStream(HummelHttp http, List<URI> urls, Duration timeout, SyncStats stats) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no source");
        }
        this.http = http;
        this.urls = urls;
        this.timeout = timeout;
        this.stats = stats;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            try {
                if (current == null) {
                    current = http.open(urls.get(source), offset, -1, timeout).body();
                }
                int n = current.read(b, off, len);
                if (n > 0) {
                    offset += n;
                    failuresInARow = 0;
                    stats.archiveBytes.addAndGet(n);
                }
                return n;
            } catch (IOException e) {
                last = e;
                closeCurrent();
                failuresInARow++;
                switches++;
                stats.failovers.incrementAndGet();
                if (switches > MAX_SWITCHES || failuresInARow >= 2 * urls.size()) {
                    throw new IOException("every source failed for " + urls.get(source).getPath() + "; last: " + last.getMessage(), last);
                }
                source = (source + 1) % urls.size();
            }
        }
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // already broken
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
