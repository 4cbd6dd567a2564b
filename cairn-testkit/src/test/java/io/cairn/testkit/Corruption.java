package io.cairn.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Bit rot on purpose: finds a block's bytes in a node's data directory and flips one. */
final class Corruption {
    private Corruption() {}

    /**
     * Flips byte {@code offset} of every copy of {@code content} found in the files under {@code dir}
     * (the store's layout is not assumed: the content is searched for). Returns how many copies.
     */
    static int flipByteOf(Path dir, byte[] content, int offset) throws IOException {
        int flipped = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        byte[] needle = java.util.Arrays.copyOf(content, 64);
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            for (int at = indexOf(bytes, needle, 0); at >= 0; at = indexOf(bytes, needle, at + 1)) {
                if (at + content.length <= bytes.length
                        && java.util.Arrays.equals(bytes, at, at + content.length, content, 0, content.length)) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.write(ByteBuffer.wrap(new byte[] {(byte) ~content[offset]}), at + offset);
                        ch.force(true);
                    }
                    flipped++;
                }
            }
        }
        return flipped;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
