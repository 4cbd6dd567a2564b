package io.cairn.store;

import io.cairn.core.Address;
import java.nio.ByteBuffer;
import java.util.Random;

/** Seeded test blocks: the same seed always gives the same bytes. */
final class Blocks {
    final byte[] bytes;
    final Address address;

    private Blocks(byte[] bytes) {
        this.bytes = bytes;
        this.address = Address.of(bytes);
    }

    static Blocks random(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return new Blocks(b);
    }

    static Blocks of(String text) {
        return new Blocks(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes);
    }

    byte[] readFrom(BlockStore store) {
        return store.read(address).map(b -> {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }).orElse(null);
    }
}
