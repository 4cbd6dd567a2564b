package io.cairn.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /blocks/read}, several blocks fetched in one request (the read batch). Shared by the
 * node that answers it and the client that asks, so the two cannot drift apart.
 *
 * <pre>
 * request, content type {@value #REQUEST_TYPE}:
 *   n × 32 bytes     the addresses wanted (raw SHA-256), 1 ≤ n ≤ {@value #MAX_ADDRESSES}
 *
 * reply 200, content type {@value #REPLY_TYPE}:
 *    4 bytes         n, big-endian (the request's count)
 *   n × 36 bytes     the table, in request order: 32-byte address, 4-byte length big-endian;
 *                    {@value #ABSENT} when the node has no live, intact copy of that block
 *   the contents     of the blocks the table gives a length, in table order, back to back
 * </pre>
 *
 * The table comes first so that the node writes it as one piece and then each block's bytes
 * straight from its segment mapping (no copy into a reply buffer), and the reader knows every
 * block's place before the first byte of content. A reply carries at most {@link
 * #MAX_REPLY_BYTES} of content; a request whose blocks add up to more is refused with 413 and
 * the client asks for fewer. Nothing in a reply is trusted: the client checks the table against
 * its request and every block against its address.
 *
 * <p>Why a batch at all: a 64 KiB GET costs the node and the client more in HTTP work (request and
 * header parsing, dispatch, one reply per block, wake-ups) than the copy of its bytes; a 1 GiB
 * download is 16,384 of them. Reading a file's chunks a few dozen per request turns those
 * per-request costs into per-byte ones (docs/DECISIONS.md 103).
 */
public final class BlockReads {
    public static final String REQUEST_TYPE = "application/x-cairn-addresses";
    public static final String REPLY_TYPE = "application/x-cairn-block-reads";
    public static final int MAX_ADDRESSES = 1024;
    public static final int MAX_REQUEST_BYTES = MAX_ADDRESSES * Address.BYTES;
    /** The most content one reply carries: four of the largest blocks, or 256 of 64 KiB. */
    public static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;
    public static final int ABSENT = -1;
    public static final int ENTRY_BYTES = Address.BYTES + 4;

    private BlockReads() {}

    /** The request body for {@code addresses}. */
    public static ByteBuffer request(List<Address> addresses) {
        if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("a read batch asks for 1 to " + MAX_ADDRESSES + " blocks, not " + addresses.size());
        }
        ByteBuffer out = ByteBuffer.allocate(addresses.size() * Address.BYTES);
        for (Address a : addresses) {
            a.writeTo(out);
        }
        return out.flip();
    }

    /** The addresses of a request body: BAD_REQUEST when empty or ragged, TOO_LARGE beyond the limit. */
    public static List<Address> parseRequest(ByteBuffer body) {
        int bytes = body.remaining();
        if (bytes == 0) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "empty read batch: at least one address expected");
        }
        if (bytes % Address.BYTES != 0) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "a read batch is whole 32-byte addresses; "
                    + bytes + " bytes is not");
        }
        if (bytes > MAX_REQUEST_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "a read batch asks for at most " + MAX_ADDRESSES + " blocks");
        }
        ByteBuffer in = body.duplicate();
        List<Address> out = new ArrayList<>(bytes / Address.BYTES);
        while (in.hasRemaining()) {
            out.add(Address.readFrom(in));
        }
        return out;
    }

    /** Bytes of the count and the table of a reply to {@code n} addresses. */
    public static int tableBytes(int n) {
        return 4 + n * ENTRY_BYTES;
    }

    /**
     * The count and table of a reply; {@code lengths[i]} is block i's content length or
     * {@link #ABSENT}.
     */
    public static ByteBuffer table(List<Address> addresses, int[] lengths) {
        ByteBuffer out = ByteBuffer.allocate(tableBytes(addresses.size()));
        out.putInt(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            addresses.get(i).writeTo(out);
            out.putInt(lengths[i]);
        }
        return out.flip();
    }

    /**
     * Splits a reply to {@code asked} into one view per address, null where the node said
     * {@link #ABSENT}. The contents are not verified here (the caller checks each against its
     * address). A reply that does not answer exactly what was asked, in order, with lengths that
     * add up to its size, is a BAD_REQUEST: a node that sends one is not to be believed at all.
     */
    public static List<ByteBuffer> parseReply(ByteBuffer reply, List<Address> asked) {
        ByteBuffer in = reply.duplicate();
        if (in.remaining() < tableBytes(asked.size())) {
            throw malformed("its table is cut short");
        }
        int n = in.getInt(in.position());
        if (n != asked.size()) {
            throw malformed("it answers " + n + " blocks for " + asked.size() + " asked");
        }
        int table = in.position() + 4;
        long content = (long) in.position() + tableBytes(n);
        List<ByteBuffer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int entry = table + i * ENTRY_BYTES;
            if (!Address.readFrom(in.slice(entry, Address.BYTES)).equals(asked.get(i))) {
                throw malformed("entry " + i + " names another block than the one asked");
            }
            int length = in.getInt(entry + Address.BYTES);
            if (length == ABSENT) {
                out.add(null);
                continue;
            }
            if (length < 0 || length > BlockBatch.MAX_BLOCK_BYTES || content + length > in.limit()) {
                throw malformed("entry " + i + " declares " + length + " bytes, beyond the reply");
            }
            out.add(in.slice((int) content, length));
            content += length;
        }
        if (content != in.limit()) {
            throw malformed((in.limit() - content) + " bytes are left over after the last block");
        }
        return out;
    }

    private static CairnException malformed(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "malformed read-batch reply: " + why);
    }
}
