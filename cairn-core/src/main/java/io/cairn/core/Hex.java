package io.cairn.core;

/** Lowercase hexadecimal, the only text form cairn uses for IDs and addresses. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Decodes exactly {@code byteLength} bytes from hex in either case.
     *
     * @throws CairnException BAD_REQUEST when the text is not that many hex digits
     */
    public static byte[] decode(CharSequence text, int byteLength, String what) {
        if (text == null || text.length() != byteLength * 2) {
            throw new CairnException(ErrorCode.BAD_REQUEST,
                    what + " must be " + (byteLength * 2) + " hex characters");
        }
        byte[] out = new byte[byteLength];
        for (int i = 0; i < byteLength; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0 || text.charAt(2 * i) > 'f' || text.charAt(2 * i + 1) > 'f') {
                throw new CairnException(ErrorCode.BAD_REQUEST, what + " is not hexadecimal");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
