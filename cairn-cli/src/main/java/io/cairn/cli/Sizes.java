package io.cairn.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Byte sizes on the command line: a whole number with an optional binary suffix, case-insensitive:
 * {@code 4096}, {@code 64KiB} (= {@code 64K} = {@code 64KB}), {@code 4MiB}, {@code 10GiB},
 * {@code 1TiB}. Every suffix is a power of 1024; storage people read "64 KB chunk" that way.
 */
final class Sizes implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static long parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 18) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 4096, 64KiB, 4MiB, 10GiB)");
        }
        long number = Long.parseLong(s.substring(0, end));
        int shift = switch (s.substring(end).trim()) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            case "t", "tb", "tib" -> 40;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit (use KiB, MiB, GiB, TiB)");
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return number << shift;
    }

    /** 1536 -> "1.5 KiB". */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
