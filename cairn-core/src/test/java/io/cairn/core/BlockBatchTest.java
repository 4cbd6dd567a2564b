package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The body format of {@code POST /blocks}: frames of address, big-endian length, content. */
class BlockBatchTest {
    private static final long SEED = 0xba7c4L;
    private final SplittableRandom random = new SplittableRandom(SEED);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A body holding the given blocks, each under its own address. */
    private static ByteBuffer body(List<byte[]> blocks) {
        int size = 0;
        for (byte[] b : blocks) {
            size += BlockBatch.frameBytes(b.length);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] b : blocks) {
            BlockBatch.writeFrame(out, Address.of(b), ByteBuffer.wrap(b));
        }
        assertThat(out.hasRemaining()).as("frameBytes is exactly what writeFrame writes").isFalse();
        return out.flip();
    }

    /** A frame header by hand: the address and whatever length it should declare. */
    private static ByteBuffer header(Address address, int declaredLength) {
        ByteBuffer h = ByteBuffer.allocate(BlockBatch.FRAME_HEADER_BYTES);
        address.writeTo(h);
        h.putInt(declaredLength);
        return h.flip();
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    private static void assertRefused(ByteBuffer body, ErrorCode code, String messagePart) {
        assertThatThrownBy(() -> BlockBatch.parse(body))
                .as("seed %d", SEED)
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    @Test
    void framesRoundTripInOrderIncludingAnEmptyAndAFourMebibyteBlock() {
        List<byte[]> blocks = List.of(bytes(1000), new byte[0], bytes(BlockBatch.MAX_BLOCK_BYTES), bytes(1), bytes(65_536));
        ByteBuffer body = body(blocks);
        int position = body.position();

        List<BlockBatch.Frame> frames = BlockBatch.parse(body);

        assertThat(body.position()).as("the caller's buffer is not moved").isEqualTo(position);
        assertThat(frames).hasSize(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            BlockBatch.Frame f = frames.get(i);
            assertThat(f.address()).as("seed %d frame %d", SEED, i).isEqualTo(Address.of(blocks.get(i)));
            assertThat(f.content().remaining()).as("seed %d frame %d", SEED, i).isEqualTo(blocks.get(i).length);
            byte[] content = new byte[f.content().remaining()];
            f.content().duplicate().get(content);
            assertThat(content).as("seed %d frame %d", SEED, i).isEqualTo(blocks.get(i));
            assertThat(f.address().matches(f.content())).isTrue();
        }
    }

    @Test
    void theWireLayoutIsAddressThenBigEndianLengthThenContent() {
        byte[] block = bytes(300);
        ByteBuffer body = body(List.of(block));
        assertThat(body.remaining()).isEqualTo(32 + 4 + 300);
        byte[] address = new byte[32];
        body.duplicate().get(address);
        assertThat(address).isEqualTo(Address.of(block).toBytes());
        assertThat(body.get(32)).isEqualTo((byte) 0);
        assertThat(body.get(33)).isEqualTo((byte) 0);
        assertThat(body.get(34)).isEqualTo((byte) 0x01);
        assertThat(body.get(35)).isEqualTo((byte) 0x2c);
        assertThat(body.get(36)).isEqualTo(block[0]);
    }

    @Test
    void writeFrameDoesNotMoveTheContentBuffer() {
        byte[] block = bytes(100);
        ByteBuffer content = ByteBuffer.wrap(block, 10, 50);
        ByteBuffer out = ByteBuffer.allocate(BlockBatch.frameBytes(50));
        BlockBatch.writeFrame(out, Address.of(block, 10, 50), content);
        assertThat(content.position()).isEqualTo(10);
        assertThat(content.remaining()).isEqualTo(50);
        BlockBatch.Frame f = BlockBatch.parse(out.flip()).getFirst();
        assertThat(f.address()).isEqualTo(Address.of(block, 10, 50));
    }

    @Test
    void parsingDoesNotCopyTheContent() {
        byte[] a = bytes(5000);
        byte[] b = bytes(7000);
        ByteBuffer body = body(List.of(a, b));
        List<BlockBatch.Frame> frames = BlockBatch.parse(body);
        assertThat(frames.get(0).content().hasArray()).isTrue();
        assertThat(frames.get(0).content().array()).as("a view of the body's array").isSameAs(body.array());
        assertThat(frames.get(1).content().array()).isSameAs(body.array());
        // a change to the body shows through the frame's view
        int contentOfSecond = BlockBatch.frameBytes(a.length) + BlockBatch.FRAME_HEADER_BYTES;
        body.put(contentOfSecond, (byte) (b[0] ^ 0xff));
        assertThat(frames.get(1).content().get(0)).isEqualTo((byte) (b[0] ^ 0xff));
    }

    @Test
    void aBodyThatIsNotAtTheStartOfItsArrayParses() {
        byte[] block = bytes(123);
        ByteBuffer frame = body(List.of(block));
        ByteBuffer padded = ByteBuffer.allocate(frame.remaining() + 20);
        padded.position(7);
        padded.put(frame.duplicate());
        padded.position(7).limit(7 + frame.remaining());
        List<BlockBatch.Frame> frames = BlockBatch.parse(padded);
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.address()).isEqualTo(Address.of(block));
            assertThat(f.address().matches(f.content())).isTrue();
        });
    }

    @Test
    void anEmptyBodyIsABadRequest() {
        assertRefused(ByteBuffer.allocate(0), ErrorCode.BAD_REQUEST, "empty");
    }

    @Test
    void aHeaderCutShortIsABadRequest() {
        byte[] block = bytes(10);
        ByteBuffer whole = body(List.of(block));
        // only part of the first header
        assertRefused(whole.duplicate().limit(BlockBatch.FRAME_HEADER_BYTES - 1), ErrorCode.BAD_REQUEST, "frame 0");
        assertRefused(whole.duplicate().limit(1), ErrorCode.BAD_REQUEST, "header");
        // a good frame, then bytes left over that cannot be a header
        assertRefused(concat(whole, ByteBuffer.wrap(bytes(Address.BYTES))), ErrorCode.BAD_REQUEST, "frame 1");
    }

    @Test
    void contentCutShortIsABadRequest() {
        byte[] block = bytes(100);
        ByteBuffer whole = body(List.of(block));
        assertRefused(whole.duplicate().limit(whole.limit() - 1), ErrorCode.BAD_REQUEST, "content");
        // a header that declares more than follows, after a good frame
        byte[] next = bytes(50);
        assertRefused(concat(whole, header(Address.of(next), 51), ByteBuffer.wrap(next)), ErrorCode.BAD_REQUEST, "frame 1");
        // a header alone, declaring a byte
        assertRefused(header(Address.of(next), 1), ErrorCode.BAD_REQUEST, "content");
    }

    @Test
    void aNegativeLengthIsABadRequest() {
        Address a = Address.of(bytes(8));
        assertRefused(concat(header(a, -1), ByteBuffer.wrap(bytes(64))), ErrorCode.BAD_REQUEST, "-1");
        assertRefused(concat(header(a, Integer.MIN_VALUE), ByteBuffer.wrap(bytes(64))), ErrorCode.BAD_REQUEST, "frame 0");
    }

    @Test
    void aBlockOverFourMebibytesIsTooLarge() {
        Address a = Address.of(bytes(8));
        // refused on the declared length, before any content is needed
        assertRefused(header(a, BlockBatch.MAX_BLOCK_BYTES + 1), ErrorCode.TOO_LARGE, Integer.toString(BlockBatch.MAX_BLOCK_BYTES + 1));
        assertRefused(header(a, Integer.MAX_VALUE), ErrorCode.TOO_LARGE, "frame 0");
        byte[] over = bytes(BlockBatch.MAX_BLOCK_BYTES + 1);
        assertRefused(concat(body(List.of(bytes(3))), header(Address.of(over), over.length), ByteBuffer.wrap(over)),
                ErrorCode.TOO_LARGE, "frame 1");
    }

    @Test
    void moreThanMaxBlocksFramesIsTooLargeAndExactlyMaxBlocksParses() {
        List<byte[]> blocks = new ArrayList<>();
        for (int i = 0; i < BlockBatch.MAX_BLOCKS; i++) {
            blocks.add(new byte[] {(byte) i, (byte) (i >> 8)});
        }
        assertThat(BlockBatch.parse(body(blocks))).hasSize(BlockBatch.MAX_BLOCKS);
        blocks.add(new byte[0]);
        assertRefused(body(blocks), ErrorCode.TOO_LARGE, Integer.toString(BlockBatch.MAX_BLOCKS));
    }

    @Test
    void theBodyLimitIsEightMebibytesAndHoldsTheLargestBlock() {
        assertThat(BlockBatch.MAX_BODY_BYTES).isEqualTo(8 * 1024 * 1024);
        assertThat(BlockBatch.frameBytes(BlockBatch.MAX_BLOCK_BYTES)).as("a 4 MiB block fits in a batch")
                .isLessThanOrEqualTo(BlockBatch.MAX_BODY_BYTES);
        // a body of exactly the limit, largest block first, parses (the limit is the node's, not the parser's)
        byte[] big = bytes(BlockBatch.MAX_BLOCK_BYTES);
        byte[] rest = bytes(BlockBatch.MAX_BODY_BYTES - BlockBatch.frameBytes(big.length) - BlockBatch.FRAME_HEADER_BYTES);
        ByteBuffer body = body(List.of(big, rest));
        assertThat(body.remaining()).isEqualTo(BlockBatch.MAX_BODY_BYTES);
        assertThat(BlockBatch.parse(body)).hasSize(2);
    }

    @Test
    void parsingDoesNotHash() {
        // a frame whose content does not hash to its address parses; the node checks hashes itself
        byte[] block = bytes(40);
        Address other = Address.of(bytes(40));
        List<BlockBatch.Frame> frames = BlockBatch.parse(concat(header(other, block.length), ByteBuffer.wrap(block)));
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.address()).isEqualTo(other);
            assertThat(f.address().matches(f.content())).isFalse();
        });
    }
}
