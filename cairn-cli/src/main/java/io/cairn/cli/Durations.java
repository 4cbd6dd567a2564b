package io.cairn.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Durations on the command line: a whole number with a unit, {@code 250ms}, {@code 1s},
 * {@code 10m}, {@code 2h}, or an ISO-8601 duration ({@code PT0.5S}). A bare number is refused:
 * a health interval of "5" could mean anything.
 */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                return Duration.parse(text.trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 250ms, 1s, 10m)");
            }
        }
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 250ms, 1s, 10m)");
        }
        long n = Long.parseLong(s.substring(0, end));
        return switch (s.substring(end).trim()) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("'" + text + "' needs a unit: ms, s, m or h");
        };
    }

    /** 1500 ms -> "1.5 s". */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return String.format(Locale.ROOT, ms % 1000 == 0 ? "%.0f s" : "%.1f s", ms / 1000.0);
        }
        return d.toMinutes() + " min";
    }
}
