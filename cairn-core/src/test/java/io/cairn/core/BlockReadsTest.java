package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The formats of {@code POST /blocks/read}: a request of raw addresses, a reply of count, table
 * (address, big-endian length or -1) and the contents back to back; nothing in a reply trusted.
 */
class BlockReadsTest {
    private static final long SEED = 0x7ead5L;
    private final SplittableRandom random = new SplittableRandom(SEED);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private List<Address> addresses(int n) {
        List<Address> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Address.of(bytes(16)));
        }
        return out;
    }

    /**
     * A reply as a node writes it: the table, then the contents of the present blocks in order.
     * {@code blocks.get(i)} null means ABSENT.
     */
    private static ByteBuffer reply(List<Address> addresses, List<byte[]> blocks) {
        int[] lengths = new int[addresses.size()];
        int content = 0;
        for (int i = 0; i < blocks.size(); i++) {
            lengths[i] = blocks.get(i) == null ? BlockReads.ABSENT : blocks.get(i).length;
            content += blocks.get(i) == null ? 0 : blocks.get(i).length;
        }
        ByteBuffer table = BlockReads.table(addresses, lengths);
        ByteBuffer out = ByteBuffer.allocate(table.remaining() + content);
        out.put(table);
        for (byte[] b : blocks) {
            if (b != null) {
                out.put(b);
            }
        }
        assertThat(out.hasRemaining()).isFalse();
        return out.flip();
    }

    /** A table by hand: any count, any addresses, any lengths, then {@code tail}. */
    private static ByteBuffer handmade(int count, List<Address> addresses, int[] lengths, byte[] tail) {
        ByteBuffer out = ByteBuffer.allocate(4 + addresses.size() * BlockReads.ENTRY_BYTES + tail.length);
        out.putInt(count);
        for (int i = 0; i < addresses.size(); i++) {
            addresses.get(i).writeTo(out);
            out.putInt(lengths[i]);
        }
        out.put(tail);
        return out.flip();
    }

    private static byte[] contentOf(ByteBuffer view) {
        byte[] b = new byte[view.remaining()];
        view.duplicate().get(b);
        return b;
    }

    private static void assertRequestRefused(ByteBuffer body, ErrorCode code, String messagePart) {
        assertThatThrownBy(() -> BlockReads.parseRequest(body))
                .as("seed %d", SEED)
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(messagePart);
                });
    }

    private static void assertReplyRefused(ByteBuffer reply, List<Address> asked, String messagePart) {
        int position = reply.position();
        assertThatThrownBy(() -> BlockReads.parseReply(reply, asked))
                .as("seed %d", SEED)
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("malformed read-batch reply").contains(messagePart);
                });
        assertThat(reply.position()).as("a refused reply is not moved either").isEqualTo(position);
    }

    // ---- constants ----

    @Test
    void theLimitsAreAThousandAddressesAndSixteenMebibytesOfContent() {
        assertThat(BlockReads.MAX_ADDRESSES).isEqualTo(1024);
        assertThat(BlockReads.MAX_REQUEST_BYTES).isEqualTo(1024 * 32);
        assertThat(BlockReads.MAX_REPLY_BYTES).isEqualTo(16 * 1024 * 1024)
                .as("four of the largest blocks").isEqualTo(4 * BlockBatch.MAX_BLOCK_BYTES);
        assertThat(BlockReads.ENTRY_BYTES).isEqualTo(36);
        assertThat(BlockReads.ABSENT).isEqualTo(-1);
        assertThat(BlockReads.tableBytes(0)).isEqualTo(4);
        assertThat(BlockReads.tableBytes(1)).isEqualTo(40);
        assertThat(BlockReads.tableBytes(1024)).isEqualTo(4 + 1024 * 36);
        assertThat(BlockReads.REQUEST_TYPE).isEqualTo("application/x-cairn-addresses");
        assertThat(BlockReads.REPLY_TYPE).isNotEqualTo(BlockReads.REQUEST_TYPE);
    }

    // ---- request ----

    @Test
    void aRequestIsTheRawAddressesInOrderAndRoundTripsWithDuplicates() {
        List<Address> asked = new ArrayList<>(addresses(7));
        asked.add(2, asked.get(5)); // the same block twice is allowed
        ByteBuffer body = BlockReads.request(asked);
        assertThat(body.position()).isZero();
        assertThat(body.remaining()).isEqualTo(asked.size() * Address.BYTES);
        for (int i = 0; i < asked.size(); i++) {
            byte[] raw = new byte[Address.BYTES];
            body.get(i * Address.BYTES, raw);
            assertThat(raw).as("seed %d address %d", SEED, i).isEqualTo(asked.get(i).toBytes());
        }
        assertThat(BlockReads.parseRequest(body)).as("seed %d", SEED).containsExactlyElementsOf(asked);
        assertThat(body.position()).as("parsing does not move the caller's buffer").isZero();
        assertThat(BlockReads.parseRequest(body)).as("and can be parsed again").containsExactlyElementsOf(asked);
    }

    @Test
    void oneAddressAndExactlyTheMaximumRoundTrip() {
        List<Address> one = addresses(1);
        assertThat(BlockReads.parseRequest(BlockReads.request(one))).containsExactlyElementsOf(one);
        List<Address> max = addresses(BlockReads.MAX_ADDRESSES);
        ByteBuffer body = BlockReads.request(max);
        assertThat(body.remaining()).isEqualTo(BlockReads.MAX_REQUEST_BYTES);
        assertThat(BlockReads.parseRequest(body)).containsExactlyElementsOf(max);
    }

    @Test
    void aRequestBodyNotAtTheStartOfItsArrayParses() {
        List<Address> asked = addresses(3);
        ByteBuffer body = BlockReads.request(asked);
        ByteBuffer padded = ByteBuffer.allocate(body.remaining() + 50);
        padded.position(17).put(body.duplicate());
        padded.position(17).limit(17 + body.remaining());
        assertThat(BlockReads.parseRequest(padded)).containsExactlyElementsOf(asked);
        assertThat(padded.position()).isEqualTo(17);
        // a direct buffer too (the node may hand one over)
        ByteBuffer direct = ByteBuffer.allocateDirect(body.remaining()).put(body.duplicate()).flip();
        assertThat(BlockReads.parseRequest(direct)).containsExactlyElementsOf(asked);
    }

    @Test
    void requestRefusesNoAddressesAndMoreThanTheMaximum() {
        assertThatThrownBy(() -> BlockReads.request(List.of())).isInstanceOf(IllegalArgumentException.class);
        List<Address> over = addresses(BlockReads.MAX_ADDRESSES + 1);
        assertThatThrownBy(() -> BlockReads.request(over)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(BlockReads.MAX_ADDRESSES + 1));
    }

    @Test
    void anEmptyRequestIsABadRequest() {
        assertRequestRefused(ByteBuffer.allocate(0), ErrorCode.BAD_REQUEST, "empty");
        // empty as seen through its position and limit, on a non-empty array
        ByteBuffer emptyView = ByteBuffer.wrap(bytes(64)).position(32).limit(32);
        assertRequestRefused(emptyView, ErrorCode.BAD_REQUEST, "empty");
    }

    @Test
    void aRaggedRequestIsABadRequest() {
        for (int size : new int[] {1, 31, 33, 63, 65, 32 * 5 + 7}) {
            assertRequestRefused(ByteBuffer.wrap(bytes(size)), ErrorCode.BAD_REQUEST, Integer.toString(size));
        }
        // ragged and over the limit: refused as ragged (a 400), which one comes first does not matter to a client
        assertThatThrownBy(() -> BlockReads.parseRequest(ByteBuffer.wrap(bytes(BlockReads.MAX_REQUEST_BYTES + 1))))
                .isInstanceOfSatisfying(CairnException.class,
                        e -> assertThat(e.code()).isIn(ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE));
    }

    @Test
    void moreThanTheMaximumAddressesIsTooLarge() {
        assertRequestRefused(ByteBuffer.wrap(bytes(BlockReads.MAX_REQUEST_BYTES + Address.BYTES)), ErrorCode.TOO_LARGE,
                Integer.toString(BlockReads.MAX_ADDRESSES));
        assertRequestRefused(ByteBuffer.wrap(bytes(10 * BlockReads.MAX_REQUEST_BYTES)), ErrorCode.TOO_LARGE,
                Integer.toString(BlockReads.MAX_ADDRESSES));
    }

    // ---- table ----

    @Test
    void theTableIsABigEndianCountThenAddressAndBigEndianLengthPerEntry() {
        List<Address> asked = addresses(3);
        ByteBuffer table = BlockReads.table(asked, new int[] {300, BlockReads.ABSENT, 0});
        assertThat(table.position()).isZero();
        assertThat(table.remaining()).isEqualTo(BlockReads.tableBytes(3)).isEqualTo(4 + 3 * 36);
        assertThat(new byte[] {table.get(0), table.get(1), table.get(2), table.get(3)}).isEqualTo(new byte[] {0, 0, 0, 3});
        for (int i = 0; i < 3; i++) {
            byte[] raw = new byte[32];
            table.get(4 + i * 36, raw);
            assertThat(raw).isEqualTo(asked.get(i).toBytes());
        }
        assertThat(new byte[] {table.get(36), table.get(37), table.get(38), table.get(39)})
                .as("300 big-endian").isEqualTo(new byte[] {0, 0, 0x01, 0x2c});
        assertThat(new byte[] {table.get(72), table.get(73), table.get(74), table.get(75)})
                .as("ABSENT is -1").isEqualTo(new byte[] {-1, -1, -1, -1});
        assertThat(table.getInt(108)).isZero();
    }

    // ---- reply ----

    @Test
    void aReplyRoundTripsWithAbsentEntriesZeroLengthBlocksAndDuplicates() {
        byte[] a = bytes(1000);
        byte[] b = bytes(65_536);
        byte[] empty = new byte[0];
        byte[] c = bytes(1);
        List<byte[]> blocks = Arrays.asList(a, null, empty, b, null, a, c, empty);
        List<Address> asked = new ArrayList<>();
        for (byte[] block : blocks) {
            asked.add(block == null ? Address.of(bytes(20)) : Address.of(block));
        }
        ByteBuffer reply = reply(asked, blocks);
        assertThat(reply.remaining()).isEqualTo(BlockReads.tableBytes(8) + 1000 + 65_536 + 1000 + 1);

        List<ByteBuffer> views = BlockReads.parseReply(reply, asked);

        assertThat(reply.position()).as("the caller's buffer is not moved").isZero();
        assertThat(views).hasSize(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i) == null) {
                assertThat(views.get(i)).as("seed %d entry %d is absent", SEED, i).isNull();
            } else {
                assertThat(contentOf(views.get(i))).as("seed %d entry %d", SEED, i).isEqualTo(blocks.get(i));
                assertThat(asked.get(i).matches(views.get(i).duplicate())).isTrue();
            }
        }
    }

    @Test
    void aReplyOfOnlyAbsentBlocksIsJustItsTable() {
        List<Address> asked = addresses(4);
        ByteBuffer reply = reply(asked, Arrays.asList(null, null, null, null));
        assertThat(reply.remaining()).isEqualTo(BlockReads.tableBytes(4));
        assertThat(BlockReads.parseReply(reply, asked)).hasSize(4).containsOnlyNulls();
    }

    @Test
    void aReplyOfOneEmptyBlockParses() {
        List<Address> asked = List.of(Address.of(new byte[0]));
        List<ByteBuffer> views = BlockReads.parseReply(reply(asked, List.of(new byte[0])), asked);
        assertThat(views).singleElement().satisfies(v -> assertThat(v.remaining()).isZero());
    }

    @Test
    void theViewsShareTheReplysArrayAndAReplyNotAtTheStartOfItsArrayParses() {
        byte[] a = bytes(500);
        byte[] b = bytes(700);
        List<Address> asked = List.of(Address.of(a), Address.of(b));
        ByteBuffer reply = reply(asked, List.of(a, b));
        List<ByteBuffer> views = BlockReads.parseReply(reply, asked);
        assertThat(views.get(1).hasArray()).isTrue();
        assertThat(views.get(1).array()).as("a view, not a copy").isSameAs(reply.array());

        ByteBuffer padded = ByteBuffer.allocate(reply.remaining() + 40);
        padded.position(13).put(reply.duplicate());
        padded.position(13).limit(13 + reply.remaining());
        List<ByteBuffer> fromPadded = BlockReads.parseReply(padded, asked);
        assertThat(contentOf(fromPadded.get(0))).isEqualTo(a);
        assertThat(contentOf(fromPadded.get(1))).isEqualTo(b);
        assertThat(padded.position()).isEqualTo(13);
    }

    @Test
    void aFourMebibyteBlockIsTheLargestAReplyMayDeclare() {
        byte[] max = bytes(BlockBatch.MAX_BLOCK_BYTES);
        List<Address> asked = List.of(Address.of(max));
        assertThat(contentOf(BlockReads.parseReply(reply(asked, List.of(max)), asked).getFirst())).isEqualTo(max);
    }

    @Test
    void parsingDoesNotHashSoAReplyWithWrongBytesParsesAndTheCallerChecks() {
        byte[] real = bytes(100);
        byte[] lie = bytes(100);
        List<Address> asked = List.of(Address.of(real));
        List<ByteBuffer> views = BlockReads.parseReply(reply(asked, List.of(lie)), asked);
        assertThat(contentOf(views.getFirst())).isEqualTo(lie);
        assertThat(asked.getFirst().matches(views.getFirst().duplicate())).isFalse();
    }

    @Test
    void aReplyWithTheWrongCountIsRefused() {
        byte[] a = bytes(10);
        byte[] b = bytes(20);
        List<Address> asked = List.of(Address.of(a), Address.of(b));
        ByteBuffer good = reply(asked, List.of(a, b));
        // the count says 1 or 3, the table and contents are the two asked
        for (int wrong : new int[] {0, 1, 3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            ByteBuffer bad = ByteBuffer.wrap(good.array().clone());
            bad.putInt(0, wrong);
            assertReplyRefused(bad, asked, Integer.toString(wrong));
        }
        // a whole, consistent reply to fewer addresses than asked (content enough to cover the longer table)
        byte[] big = bytes(1000);
        List<Address> fewer = List.of(Address.of(big));
        assertReplyRefused(reply(fewer, List.of(big)), List.of(Address.of(big), Address.of(b)), "answers 1 blocks for 2 asked");
        // and too short for the table asked: cut short, still refused
        assertReplyRefused(reply(asked.subList(0, 1), List.of(a)), asked, "cut short");
        // and to more: one entry more than asked, consistent in itself
        List<Address> more = List.of(asked.get(0), asked.get(1), Address.of(bytes(5)));
        assertReplyRefused(reply(more, Arrays.asList(a, b, null)), asked, "answers 3 blocks for 2 asked");
    }

    @Test
    void anEntryNamingAnotherBlockIsRefusedEvenWhenAbsentOrReordered() {
        byte[] a = bytes(10);
        byte[] b = bytes(20);
        List<Address> asked = List.of(Address.of(a), Address.of(b));
        // the two swapped
        assertReplyRefused(reply(List.of(Address.of(b), Address.of(a)), List.of(b, a)), asked, "entry 0");
        // the second names a stranger, and says it is absent
        assertReplyRefused(reply(List.of(Address.of(a), Address.of(bytes(7))), Arrays.asList(a, null)), asked, "entry 1");
        // a stranger whose content matches the stranger's address: still not what was asked
        byte[] stranger = bytes(20);
        assertReplyRefused(reply(List.of(Address.of(a), Address.of(stranger)), List.of(a, stranger)), asked, "entry 1");
        // one flipped bit in an address
        ByteBuffer flipped = reply(asked, List.of(a, b));
        flipped.put(4 + BlockReads.ENTRY_BYTES + 31, (byte) (flipped.get(4 + BlockReads.ENTRY_BYTES + 31) ^ 1));
        assertReplyRefused(flipped, asked, "entry 1");
    }

    @Test
    void aNegativeLengthOtherThanAbsentIsRefused() {
        byte[] a = bytes(64);
        List<Address> asked = List.of(Address.of(a));
        for (int negative : new int[] {-2, -64, Integer.MIN_VALUE}) {
            assertReplyRefused(handmade(1, asked, new int[] {negative}, a), asked, Integer.toString(negative));
            assertReplyRefused(handmade(1, asked, new int[] {negative}, new byte[0]), asked, "entry 0");
        }
    }

    @Test
    void aLengthBeyondTheReplyIsRefused() {
        byte[] a = bytes(100);
        byte[] b = bytes(50);
        List<Address> asked = List.of(Address.of(a), Address.of(b));
        ByteBuffer good = reply(asked, List.of(a, b));
        // the reply cut short by one byte: the last block does not fit
        assertReplyRefused(good.duplicate().limit(good.limit() - 1), asked, "entry 1");
        // the first declares more than all the content there is
        assertReplyRefused(handmade(2, asked, new int[] {151, 0}, concat(a, b)), asked, "entry 0");
        // the second declares one byte more than remains after the first
        assertReplyRefused(handmade(2, asked, new int[] {100, 51}, concat(a, b)), asked, "entry 1");
        // no content at all after the table
        assertReplyRefused(handmade(2, asked, new int[] {100, 50}, new byte[0]), asked, "entry 0");
        // lengths that together overflow an int, each within the block limit
        List<Address> many = addresses(600);
        int[] lengths = new int[600];
        Arrays.fill(lengths, BlockBatch.MAX_BLOCK_BYTES);
        assertReplyRefused(handmade(600, many, lengths, new byte[1000]), many, "entry 0");
    }

    @Test
    void leftoverBytesAfterTheLastBlockAreRefused() {
        byte[] a = bytes(100);
        List<Address> asked = List.of(Address.of(a), Address.of(bytes(9)));
        ByteBuffer good = reply(asked, Arrays.asList(a, null));
        for (int extra : new int[] {1, 31, 4096}) {
            ByteBuffer longer = ByteBuffer.allocate(good.remaining() + extra).put(good.duplicate()).put(bytes(extra)).flip();
            assertReplyRefused(longer, asked, extra + " bytes are left over");
        }
        // declared shorter than what follows
        assertReplyRefused(handmade(2, asked, new int[] {99, BlockReads.ABSENT}, a), asked, "1 bytes are left over");
        // all absent, yet content follows
        assertReplyRefused(handmade(2, asked, new int[] {BlockReads.ABSENT, BlockReads.ABSENT}, a), asked, "left over");
    }

    @Test
    void aReplyShorterThanItsTableIsRefused() {
        byte[] a = bytes(10);
        List<Address> asked = List.of(Address.of(a), Address.of(bytes(11)), Address.of(bytes(12)));
        ByteBuffer good = reply(asked, Arrays.asList(a, null, null));
        int table = BlockReads.tableBytes(3);
        for (int cut : new int[] {0, 1, 3, 4, 5, 40, table - 1}) {
            assertReplyRefused(good.duplicate().limit(cut), asked, "cut short");
        }
        assertReplyRefused(ByteBuffer.allocate(0), asked, "cut short");
        // a table for two when three were asked, with the count even claiming three
        ByteBuffer twoEntries = handmade(3, asked.subList(0, 2), new int[] {BlockReads.ABSENT, BlockReads.ABSENT}, new byte[0]);
        assertReplyRefused(twoEntries, asked, "cut short");
    }

    @Test
    void aLengthAboveFourMebibytesIsRefusedEvenWhenTheBytesAreThere() {
        byte[] over = bytes(BlockBatch.MAX_BLOCK_BYTES + 1);
        List<Address> asked = List.of(Address.of(over));
        assertReplyRefused(handmade(1, asked, new int[] {over.length}, over), asked,
                Integer.toString(BlockBatch.MAX_BLOCK_BYTES + 1));
        assertReplyRefused(handmade(1, asked, new int[] {Integer.MAX_VALUE}, new byte[16]), asked, "entry 0");
    }

    @Test
    void randomRepliesRoundTripAndEveryTruncationIsRefused() {
        for (int round = 0; round < 40; round++) {
            int n = 1 + random.nextInt(12);
            List<Address> asked = new ArrayList<>();
            List<byte[]> blocks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(4);
                byte[] block = kind == 0 ? null : kind == 1 ? new byte[0] : bytes(1 + random.nextInt(3000));
                blocks.add(block);
                asked.add(block == null ? Address.of(bytes(8)) : Address.of(block));
            }
            ByteBuffer reply = reply(asked, blocks);
            List<ByteBuffer> views = BlockReads.parseReply(reply, asked);
            for (int i = 0; i < n; i++) {
                if (blocks.get(i) == null) {
                    assertThat(views.get(i)).as("seed %d round %d entry %d", SEED, round, i).isNull();
                } else {
                    assertThat(contentOf(views.get(i))).as("seed %d round %d entry %d", SEED, round, i).isEqualTo(blocks.get(i));
                }
            }
            // every strict truncation is refused: the table or some block's content is cut short
            int cut = random.nextInt(reply.remaining());
            assertThatThrownBy(() -> BlockReads.parseReply(reply.duplicate().limit(cut), asked))
                    .as("seed %d round %d cut at %d of %d", SEED, round, cut, reply.remaining())
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
