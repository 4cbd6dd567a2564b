package io.cairn.node.hummel;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * gzip at a chosen deflate level that stores what does not compress, window by window as
 * {@link StoredWindows} decides (DECISIONS 77, 85). The stream stays one valid gzip member; a
 * level change takes effect at a deflate block boundary (zlib's deflateParams). Writes are cut at
 * window edges, so a caller may write any amount at once.
 */
final class LeveledGzip extends GZIPOutputStream {
    private static final byte[] NOTHING = new byte[0];

    private final int level;
    private final StoredWindows windows = new StoredWindows();
    private long windowIn;
    private long windowStartOut;

    LeveledGzip(OutputStream out, int level) throws IOException {
        super(out, 64 * 1024);
        this.level = level;
        def.setLevel(level);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(len, StoredWindows.WINDOW_BYTES - windowIn);
            super.write(b, off, n);
            off += n;
            len -= n;
            windowIn += n;
            if (windowIn == StoredWindows.WINDOW_BYTES) {
                endWindow();
            }
        }
    }

    private void endWindow() throws IOException {
        if (windows.exact()) {
            flushDeflater();
        }
        boolean wasStored = windows.stored();
        boolean stored = windows.next(windowIn, def.getBytesWritten() - windowStartOut);
        if (stored != wasStored) {
            // What deflate buffers is put out at the old level first, so that the new level applies
            // from the next window's first byte, not from the window after it (zlib's deflateParams
            // compresses input already given to it at the old level), and a probe's count is exact.
            flushDeflater();
            def.setLevel(stored ? Deflater.NO_COMPRESSION : level);
            def.setInput(NOTHING);
            drain(Deflater.NO_FLUSH);
        }
        windowIn = 0;
        windowStartOut = def.getBytesWritten();
    }

    /** Makes deflate put out everything it buffers (a sync flush: the stream goes on, the dictionary stays). */
    private void flushDeflater() throws IOException {
        drain(Deflater.SYNC_FLUSH);
    }

    private void drain(int flush) throws IOException {
        int n;
        while ((n = def.deflate(buf, 0, buf.length, flush)) > 0) {
            out.write(buf, 0, n);
        }
    }
}
