package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link BulkSha256} gives the JDK's SHA-256 whatever the pieces its input comes in. */
class BulkSha256Test {

    @Test
    void libcryptoIsUsedWhereItIsInstalled() {
        // Debian and the CI image have libcrypto.so.3 and the tests run with native access
        assumeThat(java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))).isTrue();
        assertThat(BulkSha256.isNative()).isTrue();
        assertThat(BulkSha256.create()).isInstanceOf(BulkSha256.class);
    }

    @Test
    void matchesTheJdkOnRandomPieces() throws Exception {
        long seed = 96L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(300_000)];
            random.nextBytes(data);
            MessageDigest ours = BulkSha256.create();
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, random.nextInt(70_000) + 1);
                switch (random.nextInt(4)) {
                    case 0 -> ours.update(data, at, n);
                    case 1 -> ours.update(ByteBuffer.wrap(data, at, n));
                    case 2 -> ours.update(ByteBuffer.allocateDirect(n).put(data, at, n).flip());
                    default -> ours.update(ByteBuffer.wrap(data, at, n).asReadOnlyBuffer());
                }
                jdk.update(data, at, n);
                at += n;
            }
            if (random.nextBoolean() && data.length > 0) {
                ours.update(data[0]);
                jdk.update(data[0]);
            }
            assertThat(ours.digest()).as("seed %d round %d", seed, round).isEqualTo(jdk.digest());
        }
    }

    @Test
    void resetsAfterADigestAndClonesItsState() throws Exception {
        MessageDigest d = BulkSha256.create();
        byte[] abc = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.update(abc);
        MessageDigest copy = (MessageDigest) d.clone();
        byte[] first = d.digest();
        assertThat(Hex.encode(first)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(d.digest(abc)).isEqualTo(first);
        copy.update(abc);
        assertThat(copy.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest("abcabc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        d.update(abc, 0, 0);
        assertThat(Hex.encode(d.digest())).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
