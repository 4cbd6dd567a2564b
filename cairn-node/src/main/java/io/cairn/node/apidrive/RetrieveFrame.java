package io.cairn.node.apidrive;

import io.cairn.core.Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The retrieve response's bytes built in one copy, for the hot path: the same bytes as
 * {@link io.cairn.core.apidrive.DriveCodec#encodeRetrieveResponse} (a test holds them equal),
 * which goes through a growing buffer and copies the data three times.
 *
 * <pre>
 * offset  bytes  content
 * 0       4      int32 LE total length = 89 + n
 * 4       1      0x02 (string)
 * 5       3      "Id\0"
 * 8       4      int32 LE 65
 * 12      64     the address, lower-case hex
 * 76      1      0x00 (end of string)
 * 77      1      0x05 (binary)
 * 78      5      "Data\0"
 * 83      4      int32 LE n
 * 87      1      0x00 (subtype generic)
 * 88      n      the data
 * 88+n    1      0x00 (end of document)
 * </pre>
 */
final class RetrieveFrame {
    static final int OVERHEAD_BYTES = 89;
    private static final byte[] ID_NAME = "Id\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_NAME = "Data\0".getBytes(StandardCharsets.US_ASCII);

    private RetrieveFrame() {}

    static ByteBuffer of(Address id, ByteBuffer data) {
        int n = data.remaining();
        ByteBuffer out = ByteBuffer.allocate(OVERHEAD_BYTES + n).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(OVERHEAD_BYTES + n);
        out.put((byte) 0x02).put(ID_NAME).putInt(65).put(id.hex().getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        out.put((byte) 0x05).put(DATA_NAME).putInt(n).put((byte) 0x00);
        out.put(data.duplicate());
        out.put((byte) 0);
        return out.flip();
    }
}
