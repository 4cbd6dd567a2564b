package io.cairn.node.distribute;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * One parsed {@code PUT /has} body: the raw 32-byte addresses it adds, removes (deleted or
 * quarantined) and reports expired, packed back to back, and whether it ends the inventory.
 *
 * <p>Parsing streams the tokens (no tree, no String per address): each address's characters are
 * decoded from hex straight into the packed array. The whole body is validated before anything is
 * applied, so a refused body changes nothing (SPEC §3).
 */
public record HasReport(byte[] added, int addedCount, byte[] removed, int removedCount, byte[] expired,
                        int expiredCount, boolean complete) {
    private static final byte[] NIBBLE = new byte[128];

    static {
        java.util.Arrays.fill(NIBBLE, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            NIBBLE[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            NIBBLE[c] = (byte) (c - 'a' + 10);
            NIBBLE[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    public int total() {
        return addedCount + removedCount + expiredCount;
    }

    /** Parses {@code body[0..length)}; BAD_REQUEST when malformed, TOO_LARGE beyond {@code maxAddresses}. */
    public static HasReport parse(byte[] body, int length, int maxAddresses) {
        Lists lists = new Lists(maxAddresses);
        boolean complete = false;
        boolean sawAddresses = false;
        try (JsonParser p = Json.MAPPER.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("expected a JSON object {\"addresses\":[...]}");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "addresses" -> {
                        sawAddresses = true;
                        readArray(p, v, lists, 0, name);
                    }
                    case "removed" -> readArray(p, v, lists, 1, name);
                    case "expired" -> readArray(p, v, lists, 2, name);
                    case "complete" -> {
                        if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                            throw bad("\"complete\" must be true or false");
                        }
                        complete = v == JsonToken.VALUE_TRUE;
                    }
                    default -> p.skipChildren(); // newer peers may add fields
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw bad("expected one JSON object");
            }
        } catch (JacksonException e) {
            throw bad("malformed JSON: " + e.getOriginalMessage());
        }
        if (!sawAddresses) {
            throw bad("\"addresses\" is required (it may be empty)");
        }
        return new HasReport(lists.raw[0], lists.count[0], lists.raw[1], lists.count[1], lists.raw[2],
                lists.count[2], complete);
    }

    private static void readArray(JsonParser p, JsonToken start, Lists lists, int which, String name) {
        if (start != JsonToken.START_ARRAY) {
            throw bad("\"" + name + "\" must be an array of addresses");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            byte[] out = lists.slot(which);
            int at = (lists.count[which] - 1) * 32;
            if (!decode(p.getStringCharacters(), p.getStringOffset(), p.getStringLength(), out, at)) {
                throw bad("\"" + name + "\" holds something that is not a 64-hex-digit address: "
                        + truncate(p.getString()));
            }
        }
        if (t != JsonToken.END_ARRAY) {
            throw bad("\"" + name + "\" must hold only address strings");
        }
    }

    private static boolean decode(char[] chars, int offset, int length, byte[] out, int at) {
        if (length != 64) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char hi = chars[offset + 2 * i];
            char lo = chars[offset + 2 * i + 1];
            if (hi >= 128 || lo >= 128) {
                return false;
            }
            int h = NIBBLE[hi];
            int l = NIBBLE[lo];
            if ((h | l) < 0) {
                return false;
            }
            out[at + i] = (byte) ((h << 4) | l);
        }
        return true;
    }

    private static String truncate(String s) {
        return s.length() <= 80 ? '"' + s + '"' : '"' + s.substring(0, 80) + "...\"";
    }

    private static CairnException bad(String message) {
        return new CairnException(ErrorCode.BAD_REQUEST, message);
    }

    /** Three growable packed arrays sharing one address budget. */
    private static final class Lists {
        final byte[][] raw = {new byte[0], new byte[0], new byte[0]};
        final int[] count = new int[3];
        final int max;
        int total;

        Lists(int max) {
            this.max = max;
        }

        byte[] slot(int which) {
            if (++total > max) {
                throw new CairnException(ErrorCode.TOO_LARGE, "at most " + max + " addresses per request");
            }
            int n = ++count[which];
            if (n * 32 > raw[which].length) {
                raw[which] = java.util.Arrays.copyOf(raw[which], Math.max(32 * 256, raw[which].length * 2));
            }
            return raw[which];
        }
    }
}
