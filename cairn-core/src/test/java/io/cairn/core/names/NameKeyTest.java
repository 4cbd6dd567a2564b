package io.cairn.core.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import org.junit.jupiter.api.Test;

class NameKeyTest {
    @Test
    void isTheFirst128BitsOfSha256() {
        // sha256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 (well known)
        NameKey key = NameKey.of(Name.of("hello"));
        assertThat(key.hex()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e");
        assertThat(key.hi()).isEqualTo(0x2cf24dba5fb0a30eL);
        assertThat(key.lo()).isEqualTo(0x26e83b2ac5b9e29eL);
        assertThat(NameKey.parse(key.hex().toUpperCase())).isEqualTo(key);
        assertThat(NameKey.ofDigestPrefix(key.toBytes())).isEqualTo(key);
    }

    @Test
    void comparesUnsigned() {
        NameKey small = NameKey.parse("7fffffffffffffff" + "ffffffffffffffff");
        NameKey big = NameKey.parse("8000000000000000" + "0000000000000000");
        NameKey bigger = NameKey.parse("8000000000000000" + "8000000000000000");
        NameKey max = NameKey.parse("ff".repeat(16));
        assertThat(small).isLessThan(big);
        assertThat(big).isLessThan(bigger);
        assertThat(bigger).isLessThan(max);
        assertThat(new NameKey(0, 0)).isLessThan(small);
    }

    @Test
    void refusesBadHex() {
        assertThatThrownBy(() -> NameKey.parse("abc")).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> NameKey.parse("g".repeat(32))).isInstanceOf(CairnException.class);
    }
}
