package io.cairn.node.hummel;

/**
 * Decides, window by window, whether an archive's deflate stream compresses or stores (DECISIONS
 * 77, 85). Pure: it sees each window's input and output byte counts and answers; {@link LeveledGzip}
 * does the I/O.
 *
 * <p>Why: deflate spends most of its time looking for matches, and on random-looking data (media,
 * archives, encrypted files) finds none; storing such data costs almost nothing and makes the
 * archive at most ~0.01 % larger. How: a window whose output is more than {@link #INCOMPRESSIBLE}
 * of its input switches the stream to stored; every {@link #PROBE_EVERY}th window while stored is
 * compressed again (a probe), so data that becomes compressible is noticed. Windows are
 * {@link #WINDOW_BYTES} long: small, because most files of a tree are small, and a file read
 * entirely before its first judgment (1 MiB windows before decision 87) was deflated entirely.
 *
 * <p>Invariant the caller keeps: the output of the first window of a stream and of every probe is
 * counted exactly (the caller flushes the deflater at both ends of such a window, {@link #exact});
 * deflate's buffered output would otherwise make a random window look ~25 % compressible. In a
 * run of compressed windows the lag is about the same at both ends of a window and cancels out.
 */
final class StoredWindows {
    static final int WINDOW_BYTES = 64 * 1024;
    static final double INCOMPRESSIBLE = 0.97;
    static final int PROBE_EVERY = 16;

    private long windows;
    private boolean stored;
    private boolean exact = true;

    /** Whether the window now being written is stored (else compressed at the chosen level). */
    boolean stored() {
        return stored;
    }

    /** Whether the window now being written must have its output counted exactly (first or probe). */
    boolean exact() {
        return exact;
    }

    /**
     * Judges the window that just ended and returns whether the next one is stored.
     *
     * @param inBytes  bytes fed to deflate in that window
     * @param outBytes bytes deflate put out in that window
     */
    boolean next(long inBytes, long outBytes) {
        windows++;
        boolean wasStored = stored;
        if (!stored && outBytes > INCOMPRESSIBLE * inBytes) {
            stored = true;
        } else if (stored && windows % PROBE_EVERY == 0) {
            stored = false;
        }
        exact = wasStored && !stored;
        return stored;
    }
}
