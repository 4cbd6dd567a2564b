package io.cairn.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /blocks}, several blocks in one request (the write batch). Shared by
 * the node that parses it and the client that builds it, so the two cannot drift apart.
 *
 * <pre>
 * repeated, at least once:
 *   32 bytes   the block's address (raw SHA-256)
 *    4 bytes   content length, big-endian, 0 .. 4 MiB
 *    n bytes   content
 * </pre>
 *
 * Content type {@value #CONTENT_TYPE}. A request holds at most {@link #MAX_BLOCKS} blocks and
 * {@link #MAX_BODY_BYTES} bytes. The reply is JSON, {@code {"results": [{"address", "size",
 * "created"}, ...]}} in request order; an error refuses the whole batch with the usual error
 * JSON, and then nothing was stored.
 *
 * <p>Why a batch at all: a 64 KiB PUT costs a node about as much in HTTP and scheduling (parse,
 * dispatch, wake-ups, response) as in hashing and writing the block, and the client pays the same
 * per request. The client sends writes that queue up behind busy connections to one node as one
 * batch, and the node makes them durable with a single group-commit wait (docs/DECISIONS.md 101).
 */
public final class BlockBatch {
    public static final String CONTENT_TYPE = "application/x-cairn-blocks";
    public static final int MAX_BLOCKS = 1024;
    public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    /** SPEC §3.1: a block is at most 4 MiB, the largest chunk a manifest may name. */
    public static final int MAX_BLOCK_BYTES = Manifest.MAX_CHUNK_SIZE;
    public static final int FRAME_HEADER_BYTES = Address.BYTES + 4;

    private BlockBatch() {}

    /** One frame as parsed: the claimed address and a view of the content (not yet verified). */
    public record Frame(Address address, ByteBuffer content) {}

    /** Bytes one block adds to a batch body. */
    public static int frameBytes(int contentBytes) {
        return FRAME_HEADER_BYTES + contentBytes;
    }

    /** Appends one frame to {@code out}, which must have room for {@link #frameBytes}. */
    public static void writeFrame(ByteBuffer out, Address address, ByteBuffer content) {
        address.writeTo(out);
        out.putInt(content.remaining());
        out.put(content.duplicate());
    }

    /**
     * Splits a body into frames without copying. Malformed input is a BAD_REQUEST (empty body,
     * a frame cut short, bytes left over), too much a TOO_LARGE; nothing is hashed here.
     */
    public static List<Frame> parse(ByteBuffer body) {
        ByteBuffer in = body.duplicate();
        if (!in.hasRemaining()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "empty batch: at least one block expected");
        }
        List<Frame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            if (frames.size() == MAX_BLOCKS) {
                throw new CairnException(ErrorCode.TOO_LARGE, "a batch holds at most " + MAX_BLOCKS + " blocks");
            }
            if (in.remaining() < FRAME_HEADER_BYTES) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "batch frame " + frames.size() + " is cut short in its header");
            }
            Address address = Address.readFrom(in.slice(in.position(), Address.BYTES));
            int length = in.getInt(in.position() + Address.BYTES);
            in.position(in.position() + FRAME_HEADER_BYTES);
            if (length < 0 || length > MAX_BLOCK_BYTES) {
                throw new CairnException(length < 0 ? ErrorCode.BAD_REQUEST : ErrorCode.TOO_LARGE,
                        "batch frame " + frames.size() + " declares " + length + " bytes; a block is 0 to " + MAX_BLOCK_BYTES);
            }
            if (in.remaining() < length) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "batch frame " + frames.size() + " is cut short in its content");
            }
            frames.add(new Frame(address, in.slice(in.position(), length)));
            in.position(in.position() + length);
        }
        return frames;
    }
}
