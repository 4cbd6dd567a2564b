package io.cairn.core.names;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A name in the directory (SPEC §1, §3.4). Called by the directory role, the HTTP layer and the
 * memcache front end; it promises that every {@code Name} that exists is valid, so code holding
 * one never checks again.
 *
 * <table>
 *   <caption>what a name is</caption>
 *   <tr><th>rule</th><th>why</th></tr>
 *   <tr><td>well-formed UTF-8, 1 to 1024 bytes</td><td>SPEC §1; bounds every index and message</td></tr>
 *   <tr><td>no code point of category Cc: U+0000–U+001F (C0, incl. NUL), U+007F (DEL),
 *       U+0080–U+009F (C1)</td><td>SPEC §1; they break logs, terminals and line protocols (memcache)</td></tr>
 *   <tr><td>no lone surrogate; in bytes: no overlong form, no encoded surrogate, nothing above
 *       U+10FFFF</td><td>one name has exactly one byte form, so one key</td></tr>
 *   <tr><td>anything else is allowed, {@code /}, spaces, {@code .} and {@code ..} included</td>
 *       <td>a name is a key; it never becomes a path on disk</td></tr>
 * </table>
 *
 * Names are not normalised (NFC and NFD forms are two names), and they order by their UTF-8
 * bytes read as unsigned, which is code point order; listings use this order.
 *
 * <p>In a URL a name is written percent-encoded ({@link #toUrlPath()}) and read back with
 * {@link #fromUrlPath(CharSequence)}; see there for exactly what is accepted.
 */
public final class Name implements Comparable<Name> {
    public static final int MAX_BYTES = 1024;
    /** Longest URL form worth decoding: every byte written as {@code %XX}. */
    public static final int MAX_URL_CHARS = 3 * MAX_BYTES;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String value;
    private final byte[] utf8;

    private Name(String value, byte[] utf8) {
        this.value = value;
        this.utf8 = utf8;
    }

    /** Validates a name given as text. */
    public static Name of(String text) {
        if (text == null || text.isEmpty()) {
            throw bad("a name must not be empty");
        }
        if (text.length() > MAX_BYTES) { // each char is at least one byte
            throw bad("a name is at most " + MAX_BYTES + " bytes of UTF-8");
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp < 0x10000 && Character.isSurrogate((char) cp)) {
                throw bad("a name must be valid Unicode; lone surrogate at index " + i);
            }
            checkNotControl(cp, i);
            i += Character.charCount(cp);
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_BYTES) {
            throw bad("a name is at most " + MAX_BYTES + " bytes of UTF-8, this one is " + utf8.length);
        }
        return new Name(text, utf8);
    }

    /** Validates a name given as UTF-8 bytes (as the memcache protocol and stored entries give it). */
    public static Name ofUtf8(byte[] bytes) {
        if (bytes.length == 0) {
            throw bad("a name must not be empty");
        }
        if (bytes.length > MAX_BYTES) {
            throw bad("a name is at most " + MAX_BYTES + " bytes of UTF-8, this one is " + bytes.length);
        }
        String text;
        try {
            // The JDK decoder refuses overlong forms, encoded surrogates and code points past U+10FFFF.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad("a name must be well-formed UTF-8");
        }
        return of(text);
    }

    /**
     * Reads a name from the raw (still percent-encoded) part of a URL path after the route's
     * prefix, e.g. {@code a/b%20c} from {@code /names/a/b%20c}.
     *
     * <ul>
     *   <li>{@code %XX} (either case of hex) is the byte XX; {@code %} not followed by two hex
     *       digits is refused, never passed through.</li>
     *   <li>A literal {@code /} and {@code %2F} both mean {@code /} (names may hold slashes).</li>
     *   <li>{@code +} is a plus sign, not a space (that rule is for query strings).</li>
     *   <li>Characters outside ASCII, if a client sent them raw, stand for their UTF-8 bytes.</li>
     *   <li>The decoded bytes must then be a valid name ({@link #ofUtf8(byte[])}).</li>
     * </ul>
     * Input longer than {@link #MAX_URL_CHARS} is refused before any decoding.
     */
    public static Name fromUrlPath(CharSequence raw) {
        if (raw == null || raw.isEmpty()) {
            throw bad("a name must not be empty");
        }
        if (raw.length() > MAX_URL_CHARS) {
            throw bad("the name in the URL is too long (" + raw.length() + " characters)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); ) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? hexValue(raw.charAt(i + 1)) : -1;
                int lo = i + 2 < raw.length() ? hexValue(raw.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    throw bad("malformed percent-escape at index " + i + " of the name in the URL");
                }
                out.write((hi << 4) | lo);
                i += 3;
            } else if (c < 0x80) {
                out.write(c);
                i++;
            } else {
                int cp = Character.codePointAt(raw, i);
                if (cp < 0x10000 && Character.isSurrogate((char) cp)) {
                    throw bad("lone surrogate at index " + i + " of the name in the URL");
                }
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return ofUtf8(out.toByteArray());
    }

    /**
     * The name as a URL path: RFC 3986 unreserved characters and {@code /} as themselves, every
     * other byte as {@code %XX} (upper-case hex). {@code fromUrlPath(n.toUrlPath())} is {@code n}.
     * Callers beware: URL normalisers in some clients collapse {@code .}/{@code ..} segments and
     * empty segments, so names holding them may not survive every HTTP client unchanged.
     */
    public String toUrlPath() {
        StringBuilder sb = new StringBuilder(utf8.length + 16);
        for (byte b : utf8) {
            int v = b & 0xff;
            if ((v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9')
                    || v == '-' || v == '.' || v == '_' || v == '~' || v == '/') {
                sb.append((char) v);
            } else {
                sb.append('%').append(HEX[v >> 4]).append(HEX[v & 0xf]);
            }
        }
        return sb.toString();
    }

    public String value() {
        return value;
    }

    /** A copy of the UTF-8 bytes. */
    public byte[] utf8() {
        return utf8.clone();
    }

    /** Length in UTF-8 bytes, 1 to 1024. */
    public int byteLength() {
        return utf8.length;
    }

    byte[] rawUtf8() {
        return utf8;
    }

    /** True when this name starts with the given prefix, compared as UTF-8 bytes. */
    public boolean startsWith(String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        return p.length <= utf8.length && Arrays.equals(utf8, 0, p.length, p, 0, p.length);
    }

    @Override
    public int compareTo(Name other) {
        return Arrays.compareUnsigned(utf8, other.utf8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Name n && value.equals(n.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }

    private static void checkNotControl(int cp, int index) {
        if (Character.getType(cp) == Character.CONTROL) {
            throw bad(String.format("a name must not contain control characters; U+%04X at index %d", cp, index));
        }
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, why);
    }
}
