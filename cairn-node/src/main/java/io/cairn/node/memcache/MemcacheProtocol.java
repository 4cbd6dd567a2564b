package io.cairn.node.memcache;

import io.cairn.core.CairnException;
import io.cairn.core.names.Name;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The memcache text protocol's rules, as pure functions: command lines into {@link Command}s,
 * keys into names, {@code exptime} into an instant. Reference: memcached's {@code protocol.txt}.
 *
 * <table>
 *   <caption>commands served</caption>
 *   <tr><th>line</th><th>answers</th></tr>
 *   <tr><td>{@code get|gets <key>+}</td><td>{@code VALUE <key> <flags> <bytes>[ <cas>]} + data per hit, then {@code END}</td></tr>
 *   <tr><td>{@code set|add|replace <key> <flags> <exptime> <bytes> [noreply]} + data</td><td>{@code STORED}, {@code NOT_STORED}</td></tr>
 *   <tr><td>{@code delete <key> [0] [noreply]}</td><td>{@code DELETED}, {@code NOT_FOUND}</td></tr>
 *   <tr><td>{@code touch <key> <exptime> [noreply]}</td><td>{@code TOUCHED}, {@code NOT_FOUND}</td></tr>
 *   <tr><td>{@code version}, {@code stats}, {@code quit}</td><td>{@code VERSION ...}; {@code STAT ...} lines and
 *       {@code END} ({@code stats <group>} is {@code ERROR}); closes</td></tr>
 *   <tr><td>anything else</td><td>{@code ERROR}</td></tr>
 * </table>
 *
 * Keys: 1 to {@value #MAX_KEY_BYTES} bytes, no spaces or control characters, and a valid cairn
 * name (UTF-8). A bad key or number is {@code CLIENT_ERROR bad command line format: <why>}.
 * {@code exptime}: 0 never expires; up to {@value #RELATIVE_LIMIT_SECONDS} (30 days) is seconds
 * from now; larger is an absolute Unix time; negative means already expired.
 */
final class MemcacheProtocol {
    static final int MAX_KEY_BYTES = 250;
    static final long RELATIVE_LIMIT_SECONDS = 60L * 60 * 24 * 30;
    static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";

    private MemcacheProtocol() {}

    sealed interface Command permits Get, Store, Delete, Touch, Version, Stats, Quit, Unknown {}

    record Get(List<Name> keys, boolean withCas) implements Command {}

    record Store(MemcacheBackend.Mode mode, Name key, int flags, long exptime, int bytes, boolean noreply) implements Command {}

    record Delete(Name key, boolean noreply) implements Command {}

    record Touch(Name key, long exptime, boolean noreply) implements Command {}

    record Version() implements Command {}

    record Stats() implements Command {}

    record Quit() implements Command {}

    record Unknown() implements Command {}

    /** A line the client got wrong: answered with the message, the connection stays open. */
    static final class ClientError extends RuntimeException {
        /** For a store line whose data length was readable: the data block to skip, else -1. */
        final long skipBytes;

        ClientError(String message, long skipBytes) {
            super(message, null, false, false);
            this.skipBytes = skipBytes;
        }
    }

    /** Parses one command line (without its CRLF). */
    static Command parse(byte[] line, int length) {
        List<String> t = tokens(line, length);
        if (t.isEmpty()) {
            return new Unknown();
        }
        String cmd = t.getFirst();
        return switch (cmd) {
            case "get", "gets" -> {
                if (t.size() < 2) {
                    throw new ClientError(BAD_FORMAT, -1);
                }
                List<Name> keys = new ArrayList<>(t.size() - 1);
                for (int i = 1; i < t.size(); i++) {
                    keys.add(key(t.get(i), -1));
                }
                yield new Get(keys, cmd.equals("gets"));
            }
            case "set", "add", "replace" -> store(t, cmd);
            case "delete" -> {
                boolean noreply = t.getLast().equals("noreply");
                int n = t.size() - (noreply ? 1 : 0);
                if (n < 2 || n > 3 || (n == 3 && !t.get(2).equals("0"))) {
                    throw new ClientError(BAD_FORMAT + ": usage: delete <key> [noreply]", -1);
                }
                yield new Delete(key(t.get(1), -1), noreply);
            }
            case "touch" -> {
                boolean noreply = t.getLast().equals("noreply");
                int n = t.size() - (noreply ? 1 : 0);
                if (n != 3) {
                    throw new ClientError(BAD_FORMAT + ": usage: touch <key> <exptime> [noreply]", -1);
                }
                yield new Touch(key(t.get(1), -1), number(t.get(2), "exptime", Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, -1), noreply);
            }
            case "version" -> new Version();
            case "stats" -> t.size() == 1 ? new Stats() : new Unknown(); // no sub-statistics (stats items, slabs, ...)
            case "quit" -> new Quit();
            default -> new Unknown();
        };
    }

    private static Command store(List<String> t, String cmd) {
        boolean noreply = t.size() == 6 && t.get(5).equals("noreply");
        if (t.size() != 5 && !noreply) {
            throw new ClientError(BAD_FORMAT + ": usage: " + cmd + " <key> <flags> <exptime> <bytes> [noreply]", -1);
        }
        long bytes = number(t.get(4), "bytes", 0, Integer.MAX_VALUE, -1);
        MemcacheBackend.Mode mode = switch (cmd) {
            case "add" -> MemcacheBackend.Mode.ADD;
            case "replace" -> MemcacheBackend.Mode.REPLACE;
            default -> MemcacheBackend.Mode.SET;
        };
        Name key = key(t.get(1), bytes);
        long flags = number(t.get(2), "flags", 0, 0xFFFF_FFFFL, bytes);
        long exptime = number(t.get(3), "exptime", Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, bytes);
        return new Store(mode, key, (int) flags, exptime, (int) bytes, noreply);
    }

    /** A memcache key as a cairn name. */
    static Name key(String token, long skipBytes) {
        byte[] utf8 = token.getBytes(StandardCharsets.ISO_8859_1); // tokens hold the raw bytes
        if (utf8.length > MAX_KEY_BYTES) {
            throw new ClientError(BAD_FORMAT + ": key longer than " + MAX_KEY_BYTES + " bytes", skipBytes);
        }
        for (byte b : utf8) {
            if ((b & 0xff) < 0x20 || b == 0x7f) {
                throw new ClientError(BAD_FORMAT + ": control character in key", skipBytes);
            }
        }
        try {
            return Name.ofUtf8(utf8);
        } catch (CairnException e) {
            throw new ClientError(BAD_FORMAT + ": " + e.getMessage(), skipBytes);
        }
    }

    private static long number(String s, String what, long min, long max, long skipBytes) {
        try {
            long v = Long.parseLong(s);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ClientError(BAD_FORMAT + ": bad " + what, skipBytes);
    }

    /** Splits on spaces (runs of them count as one), keeping each byte as one char. */
    static List<String> tokens(byte[] line, int length) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= length; i++) {
            boolean space = i == length || line[i] == ' ';
            if (space) {
                if (start >= 0) {
                    out.add(new String(line, start, i - start, StandardCharsets.ISO_8859_1));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        return out;
    }

    /** The expiry instant in epoch seconds for an {@code exptime}; 0 = never; negative = already past. */
    static long expiresEpochSecond(long exptime, Instant now) {
        if (exptime == 0) {
            return 0;
        }
        if (exptime < 0) {
            return Math.max(1, now.getEpochSecond() - 1);
        }
        if (exptime <= RELATIVE_LIMIT_SECONDS) {
            return now.getEpochSecond() + exptime;
        }
        return exptime;
    }
}
