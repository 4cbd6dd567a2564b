package io.cairn.store;

import io.cairn.core.Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The hint file of a sealed segment ({@code <id>.hint}, Bitcask's idea): one fixed 64-byte entry
 * per record of the segment, in segment order, then a 24-byte trailer. Start-up reads hints
 * instead of whole segments, which is what makes opening a store of millions of blocks fast; the
 * hint is only an accelerator, so a missing or damaged hint costs a scan of its segment, never
 * data. Big-endian; the table is also in docs/STORAGE.md.
 *
 * <pre>
 * entry (64 bytes)                    trailer (24 bytes)
 * off size field                      off size field
 *   0   1  kind (as in the record)      0   4  magic 0x63686E74 ("chnt")
 *   1   3  reserved, 0                  4   1  format version (1)
 *   4   4  record offset in segment     5   3  reserved, 0
 *   8   4  content length               8   4  segment id
 *  12   4  reserved, 0                 12   4  entry count
 *  16   8  sequence                    16   4  segment length in bytes
 *  24   8  aux (lease or target)       20   4  CRC32C of every byte before it
 *  32  32  address
 * </pre>
 *
 * The hint of the active segment is written as {@code <id>.hint.tmp} while records are appended
 * (no fsync: it is thrown away if the process dies) and made durable and renamed when the segment
 * is sealed.
 */
final class HintFile {
    static final int ENTRY_BYTES = 64;
    static final int TRAILER_BYTES = 24;
    static final int MAGIC = 0x63686E74;
    static final byte VERSION = 1;

    /** One entry, decoded. */
    record Entry(byte kind, int offset, int length, long seq, long aux, Address address) {
        int recordBytes() {
            return SegmentRecord.HEADER_BYTES + length;
        }
    }

    private final ByteBuffer map;
    private final int count;
    private final long segmentBytes;

    private HintFile(ByteBuffer map, int count, long segmentBytes) {
        this.map = map;
        this.count = count;
        this.segmentBytes = segmentBytes;
    }

    static Path pathOf(Path dir, int segmentId) {
        return dir.resolve(String.format("%08x.hint", segmentId));
    }

    static Path tempPathOf(Path dir, int segmentId) {
        return dir.resolve(String.format("%08x.hint.tmp", segmentId));
    }

    /** The verified hint of the segment, or null when it is missing or fails any check. */
    static HintFile open(Path dir, int segmentId) {
        Path path = pathOf(dir, segmentId);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < TRAILER_BYTES || (size - TRAILER_BYTES) % ENTRY_BYTES != 0 || size > Integer.MAX_VALUE) {
                return null;
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            int t = (int) size - TRAILER_BYTES;
            if (map.getInt(t) != MAGIC || map.get(t + 4) != VERSION || map.getInt(t + 8) != segmentId) {
                return null;
            }
            int count = map.getInt(t + 12);
            if ((long) count * ENTRY_BYTES != t || SegmentRecord.crc(map, 0, t + 20) != map.getInt(t + 20)) {
                return null;
            }
            return new HintFile(map, count, Integer.toUnsignedLong(map.getInt(t + 16)));
        } catch (IOException e) {
            return null;
        }
    }

    int count() {
        return count;
    }

    long segmentBytes() {
        return segmentBytes;
    }

    Entry entry(int i) {
        int at = i * ENTRY_BYTES;
        return new Entry(map.get(at), map.getInt(at + 4), map.getInt(at + 8), map.getLong(at + 16), map.getLong(at + 24),
                Address.readFrom(map.slice(at + 32, Address.BYTES)));
    }

    static void writeEntry(ByteBuffer out, byte kind, int offset, int length, long seq, long aux, Address address) {
        out.put(kind).put((byte) 0).putShort((short) 0).putInt(offset).putInt(length).putInt(0);
        out.putLong(seq).putLong(aux);
        address.writeTo(out);
    }

    /** Builds the hint of the active segment as records are appended. Not thread-safe: the log's append lock guards it. */
    static final class Writer {
        private final Path dir;
        private final int segmentId;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private final CRC32C crc = new CRC32C();
        private int count;
        private boolean failed;

        Writer(Path dir, int segmentId) throws IOException {
            this.dir = dir;
            this.segmentId = segmentId;
            this.channel = FileChannel.open(tempPathOf(dir, segmentId), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }

        /** Adds an entry; a failure only loses the hint (its segment will be scanned), never data. */
        void add(byte kind, int offset, int length, long seq, long aux, Address address) {
            if (failed) {
                return;
            }
            if (buffer.remaining() < ENTRY_BYTES) {
                flush();
            }
            writeEntry(buffer, kind, offset, length, seq, aux, address);
            count++;
        }

        /** Gives the hint up: entries were added for records that never reached the segment. */
        void invalidate() {
            failed = true;
        }

        private void flush() {
            buffer.flip();
            crc.update(buffer.duplicate());
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                failed = true;
            }
            buffer.clear();
        }

        /**
         * Writes the trailer and publishes the hint: fsync, then rename over {@code .hint}, then
         * fsync the directory, so that a hint that exists after a crash is complete (its CRC
         * would catch the rest anyway). Returns false when the hint could not be written.
         */
        boolean seal(long segmentBytes) {
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
            trailer.putInt(MAGIC).put(VERSION).put((byte) 0).putShort((short) 0).putInt(segmentId).putInt(count).putInt((int) segmentBytes);
            flush();
            trailer.flip();
            crc.update(trailer.duplicate());
            trailer.limit(TRAILER_BYTES).putInt(20, (int) crc.getValue());
            try {
                if (!failed) {
                    while (trailer.hasRemaining()) {
                        channel.write(trailer);
                    }
                    channel.force(false);
                }
                channel.close();
                if (failed) {
                    Files.deleteIfExists(tempPathOf(dir, segmentId));
                    return false;
                }
                Files.move(tempPathOf(dir, segmentId), pathOf(dir, segmentId), StandardCopyOption.ATOMIC_MOVE);
                SegmentLog.fsyncDirectory(dir);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** Stops writing (the store is closing); the .tmp file is deleted at the next open. */
        void abandon() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing depends on it
            }
        }
    }
}
