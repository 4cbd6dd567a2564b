package io.cairn.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A block's bytes together with the address this process computed from them: the proof a store
 * may take instead of hashing the bytes again (issue #5: the API Drive coordinator hashes each
 * chunk to answer its Id, and its own replica then need not hash it a second time).
 *
 * <p>The only way to make one is {@link #of}, which hashes; there is no constructor and no
 * decoder, so an address claimed by anyone outside the process (a {@code PUT /blocks/{address}},
 * a retrieve response, a repair copy) can never become a HashedBlock: such bytes keep going
 * through the store's own check. The bytes are kept as a read-only view, not copied; the caller
 * promises not to change the array under it until the store has written it (the coordinator's
 * request body is never written to).
 */
public final class HashedBlock {
    private final Address address;
    private final ByteBuffer content;

    private HashedBlock(Address address, ByteBuffer content) {
        this.address = address;
        this.content = content;
    }

    /** Hashes {@code content}'s remaining bytes (its position is not moved). */
    public static HashedBlock of(ByteBuffer content) {
        // hashed before it is made read-only: the digest reads a heap buffer's array directly,
        // a read-only one only through a temporary copy
        ByteBuffer bytes = Objects.requireNonNull(content).slice();
        return new HashedBlock(Address.of(bytes.duplicate()), bytes.asReadOnlyBuffer());
    }

    public Address address() {
        return address;
    }

    /** The bytes, as a fresh read-only view positioned at their start. */
    public ByteBuffer content() {
        return content.duplicate();
    }

    public int size() {
        return content.remaining();
    }

    @Override
    public String toString() {
        return "HashedBlock[" + address + ", " + size() + " B]";
    }
}
