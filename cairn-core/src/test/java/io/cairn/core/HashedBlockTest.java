package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashedBlockTest {
    private static final long SEED = 0x5eed;

    @Test
    void theAddressIsTheHashOfTheRemainingBytes() {
        byte[] bytes = new byte[70_000];
        new SplittableRandom(SEED).nextBytes(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 100, 60_000);
        HashedBlock block = HashedBlock.of(buffer);
        assertThat(block.address()).isEqualTo(Address.of(Arrays.copyOfRange(bytes, 100, 60_100)));
        assertThat(block.size()).isEqualTo(60_000);
        assertThat(buffer.position()).as("the caller's buffer is not moved").isEqualTo(100);
    }

    @Test
    void theContentIsAReadOnlyViewFromItsStartEveryTime() {
        HashedBlock block = HashedBlock.of(ByteBuffer.wrap("chunk".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ByteBuffer first = block.content();
        first.get(new byte[3]);
        ByteBuffer second = block.content();
        assertThat(second.position()).isZero();
        assertThat(second.remaining()).isEqualTo(5);
        assertThatThrownBy(() -> second.put(0, (byte) 'x')).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(block.address().matches(block.content())).isTrue();
    }

    /** The store trusts the address, so nothing but hashing may make one: no constructor, no other factory. */
    @Test
    void hashingIsTheOnlyWayToMakeOne() {
        assertThat(HashedBlock.class.getConstructors()).isEmpty();
        assertThat(Modifier.isFinal(HashedBlock.class.getModifiers())).isTrue();
        assertThat(Arrays.stream(HashedBlock.class.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName() + Arrays.toString(m.getParameterTypes())))
                .containsExactly("of[class java.nio.ByteBuffer]");
    }
}
