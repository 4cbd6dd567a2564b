package io.cairn.core.hummel;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an archive into byte ranges that a sync fetches from several slaves at once. Pieces are of
 * equal size (the last one shorter), at least {@code minPieceBytes}, and there are about four per
 * source so that a fast source takes more of them and a dead source's piece goes to another
 * without redoing much. An archive smaller than two minimum pieces is one piece.
 */
public final class RangeSplit {
    /** Bytes [start, start + length) of the archive. */
    public record Piece(int index, long start, long length) {
        public long endInclusive() {
            return start + length - 1;
        }
    }

    public static final int PIECES_PER_SOURCE = 4;

    private RangeSplit() {}

    public static List<Piece> split(long totalBytes, int sources, long minPieceBytes) {
        if (totalBytes < 0 || sources < 1 || minPieceBytes < 1) {
            throw new IllegalArgumentException("totalBytes >= 0, sources >= 1 and minPieceBytes >= 1 required");
        }
        long wanted = (long) sources * PIECES_PER_SOURCE;
        long pieceBytes = Math.max(minPieceBytes, (totalBytes + wanted - 1) / wanted);
        List<Piece> out = new ArrayList<>();
        if (totalBytes == 0) {
            return out;
        }
        int i = 0;
        for (long start = 0; start < totalBytes; start += pieceBytes) {
            out.add(new Piece(i++, start, Math.min(pieceBytes, totalBytes - start)));
        }
        return out;
    }
}
