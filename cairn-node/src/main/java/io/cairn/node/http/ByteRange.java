package io.cairn.node.http;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;

/**
 * One byte range of a resource of known length (RFC 9110 §14): {@code bytes=a-b}, {@code bytes=a-}
 * or {@code bytes=-n}. Pure.
 *
 * <p>Choices: no header, another unit, or several ranges ({@code bytes=0-1,5-6}) mean the whole
 * resource, as RFC 9110 allows a server to ignore Range. A {@code bytes=} value that does not parse,
 * or that no byte of the resource satisfies, is a 416 ({@link RangeNotSatisfiable}).
 *
 * @param start        first byte, inclusive
 * @param endInclusive last byte, inclusive (start - 1 when the range is empty: a whole empty resource)
 * @param partial      true when this answers a Range header (206), false for the whole resource (200)
 */
public record ByteRange(long start, long endInclusive, boolean partial) {
    private static final int MAX_HEADER_CHARS = 200;

    public long length() {
        return endInclusive - start + 1;
    }

    public String contentRange(long total) {
        return "bytes " + start + "-" + endInclusive + "/" + total;
    }

    public static ByteRange whole(long total) {
        return new ByteRange(0, total - 1, false);
    }

    public static ByteRange parse(String header, long total) {
        if (header == null) {
            return whole(total);
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return whole(total);
        }
        String spec = h.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return whole(total);
        }
        if (h.length() > MAX_HEADER_CHARS) {
            throw new RangeNotSatisfiable(total, "Range header too long");
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            throw new RangeNotSatisfiable(total, "malformed Range: " + spec);
        }
        String first = spec.substring(0, dash).strip();
        String last = spec.substring(dash + 1).strip();
        long start;
        long end;
        if (first.isEmpty()) {
            long suffix = number(last, total);
            if (suffix <= 0 || total == 0) {
                throw new RangeNotSatisfiable(total, "unsatisfiable suffix range: " + spec);
            }
            start = Math.max(0, total - suffix);
            end = total - 1;
        } else {
            start = number(first, total);
            end = last.isEmpty() ? total - 1 : Math.min(number(last, total), total - 1);
            if (!last.isEmpty() && number(last, total) < start) {
                throw new RangeNotSatisfiable(total, "range ends before it starts: " + spec);
            }
            if (start >= total) {
                throw new RangeNotSatisfiable(total, "range starts past the end (" + total + " bytes): " + spec);
            }
        }
        return new ByteRange(start, end, true);
    }

    private static long number(String digits, long total) {
        if (digits.isEmpty() || digits.length() > 19) {
            throw new RangeNotSatisfiable(total, "malformed Range number: '" + digits + "'");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new RangeNotSatisfiable(total, "malformed Range number: '" + digits + "'");
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new RangeNotSatisfiable(total, "Range number too large");
        }
    }

    /** A 416: carries the resource's length for {@code Content-Range: bytes *}{@code /total}. */
    public static final class RangeNotSatisfiable extends CairnException {
        private final long total;

        public RangeNotSatisfiable(long total, String message) {
            super(ErrorCode.BAD_REQUEST, message);
            this.total = total;
        }

        public long total() {
            return total;
        }
    }
}
