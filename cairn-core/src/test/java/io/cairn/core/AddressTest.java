package io.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressTest {
    // Computed independently with: printf 'hello' | sha256sum
    private static final String HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    @Test
    void addressIsSha256OfTheContent() {
        assertThat(Address.of("hello".getBytes(StandardCharsets.UTF_8)).hex()).isEqualTo(HELLO);
    }

    @Test
    void parsingAcceptsEitherCaseAndPrintsLowercase() {
        assertThat(Address.parse(HELLO.toUpperCase()).hex()).isEqualTo(HELLO);
        assertThat(Address.parse(HELLO.toUpperCase())).isEqualTo(Address.parse(HELLO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "../../etc/passwd",
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982",
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98244",
            "zcf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982\u0000",
            "２cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"})
    void anythingButSixtyFourHexIsABadRequest(String text) {
        assertThatThrownBy(() -> Address.parse(text))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void matchesChecksTheContent() {
        Address a = Address.parse(HELLO);
        assertThat(a.matches("hello".getBytes(), 0, 5)).isTrue();
        assertThat(a.matches("hellO".getBytes(), 0, 5)).isFalse();
    }

    @Test
    void longAtReadsBigEndianWords() {
        Address a = Address.parse(HELLO);
        assertThat(a.longAt(0)).isEqualTo(0x2cf24dba5fb0a30eL);
        assertThat(a.byteAt(31)).isEqualTo(0x24);
    }
}
