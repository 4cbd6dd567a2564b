package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InOrderDigestTest {
    @Test
    void chunksOfferedInAnyOrderHashLikeTheFileInOrder() {
        long seed = 80;
        Random random = new Random(seed);
        for (int round = 0; round < 50; round++) {
            int count = 1 + random.nextInt(40);
            List<byte[]> chunks = new ArrayList<>();
            java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < count; i++) {
                byte[] c = new byte[random.nextInt(3000)];
                random.nextBytes(c);
                chunks.add(c);
                whole.writeBytes(c);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            InOrderDigest digest = new InOrderDigest();
            int consumed = 0;
            for (int i : order) {
                consumed += digest.offer(i, chunks.get(i));
            }
            assertThat(consumed).as("seed %d round %d", seed, round).isEqualTo(count);
            assertThat(digest.bytes()).isEqualTo(whole.size());
            assertThat(Address.ofBytes(digest.digest())).as("seed %d round %d", seed, round)
                    .isEqualTo(Address.of(whole.toByteArray()));
        }
    }

    @Test
    void anEarlyChunkIsHeldUntilItsPredecessorArrives() {
        InOrderDigest digest = new InOrderDigest();
        assertThat(digest.offer(1, new byte[] {2})).isZero();
        assertThat(digest.offer(2, new byte[] {3})).isZero();
        assertThat(digest.consumed()).isZero();
        assertThatThrownBy(digest::digest).isInstanceOf(IllegalStateException.class);
        assertThat(digest.offer(0, new byte[] {1})).isEqualTo(3);
        assertThat(digest.consumed()).isEqualTo(3);
    }

    @Test
    void aChunkOfferedTwiceIsRefused() {
        InOrderDigest digest = new InOrderDigest();
        digest.offer(0, new byte[] {1});
        assertThatThrownBy(() -> digest.offer(0, new byte[] {1})).isInstanceOf(IllegalStateException.class);
        digest.offer(2, new byte[] {1});
        assertThatThrownBy(() -> digest.offer(2, new byte[] {1})).isInstanceOf(IllegalStateException.class);
    }
}
