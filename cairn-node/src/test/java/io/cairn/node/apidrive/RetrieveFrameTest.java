package io.cairn.node.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import io.cairn.core.apidrive.DriveCodec;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one-copy retrieve frame is byte for byte the codec's encoding, for sizes 0 to 64 KiB. */
class RetrieveFrameTest {
    @Test
    void sameBytesAsTheCodec() {
        long seed = 5_5L;
        SplittableRandom random = new SplittableRandom(seed);
        DriveCodec codec = new DriveCodec();
        for (int size : new int[] {0, 1, 5, 1000, 65_535, 65_536}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Address id = Address.of(data);
            ByteBuffer frame = RetrieveFrame.of(id, ByteBuffer.wrap(data));
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            assertThat(bytes).as("seed %d size %d", seed, size).isEqualTo(codec.encodeRetrieveResponse(id, data));
        }
    }
}
