package io.llmgateway.exec;

/** UTF-8 helpers for output cut at a byte cap. */
public final class Utf8 {
    private Utf8() {}

    /**
     * Length of {@code bytes} without a trailing incomplete multi-byte sequence, so that decoding a
     * prefix cut at an arbitrary byte does not end in a replacement character. Malformed input that is
     * not a cut sequence is left alone for the decoder to replace.
     */
    public static int completePrefixLength(byte[] bytes) {
        int end = bytes.length;
        // A sequence is at most 4 bytes: look back at most 3 continuation bytes for its lead byte.
        for (int i = end - 1; i >= 0 && i >= end - 4; i--) {
            int b = bytes[i] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int expected = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return end - i < expected ? i : end;
        }
        return end;
    }
}
