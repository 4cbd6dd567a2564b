package io.cairn.core.apidrive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately tiny BSON writer, written from bsonspec.org (spec 1.1) and independent of the
 * org.mongodb library, so that tests compare the codec against a second opinion:
 *
 * <pre>
 * document ::= int32 e_list "\x00"        int32 = total bytes, including itself and the final 0x00
 * element  ::= "\x02" e_name string       UTF-8 string
 *            | "\x05" e_name binary       binary data
 *            | "\x03" e_name document     embedded document
 * e_name   ::= cstring                    bytes then 0x00
 * string   ::= int32 (byte*) "\x00"       int32 = bytes including the trailing 0x00
 * binary   ::= int32 subtype (byte*)      int32 = bytes after the subtype byte
 * </pre>
 * All integers are little-endian. Helpers take raw pieces so tests can also build broken documents.
 */
final class HandBson {
    private HandBson() {}

    static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] cstring(String s) {
        return cat(s.getBytes(StandardCharsets.UTF_8), new byte[] {0});
    }

    /** A document of the given elements, its length computed as the spec says. */
    static byte[] doc(byte[]... elements) {
        byte[] list = cat(elements);
        return cat(le32(4 + list.length + 1), list, new byte[] {0});
    }

    static byte[] string(String name, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return cat(new byte[] {0x02}, cstring(name), le32(utf8.length + 1), utf8, new byte[] {0});
    }

    static byte[] binary(String name, int subtype, byte[] data) {
        return cat(new byte[] {0x05}, cstring(name), le32(data.length), new byte[] {(byte) subtype}, data);
    }

    /** Subtype 0x02, "old binary": the payload is itself an int32 length and the bytes. */
    static byte[] oldBinary(String name, byte[] data) {
        return cat(new byte[] {0x05}, cstring(name), le32(data.length + 4), new byte[] {0x02}, le32(data.length), data);
    }

    static byte[] embedded(String name, byte[] document) {
        return cat(new byte[] {0x03}, cstring(name), document);
    }

    static byte[] element(int type, String name, byte[] value) {
        return cat(new byte[] {(byte) type}, cstring(name), value);
    }
}
