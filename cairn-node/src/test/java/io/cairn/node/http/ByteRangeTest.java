package io.cairn.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void noHeaderOtherUnitsAndMultipleRangesMeanTheWholeResource() {
        assertThat(ByteRange.parse(null, 10)).isEqualTo(new ByteRange(0, 9, false));
        assertThat(ByteRange.parse("items=0-1", 10).partial()).isFalse();
        assertThat(ByteRange.parse("bytes=0-1,4-5", 10).partial()).isFalse();
    }

    @Test
    void theThreeFormsOfOneRange() {
        assertThat(ByteRange.parse("bytes=2-5", 10)).isEqualTo(new ByteRange(2, 5, true));
        assertThat(ByteRange.parse("bytes=2-", 10)).isEqualTo(new ByteRange(2, 9, true));
        assertThat(ByteRange.parse("bytes=-3", 10)).isEqualTo(new ByteRange(7, 9, true));
        assertThat(ByteRange.parse("bytes=-30", 10)).isEqualTo(new ByteRange(0, 9, true));
        assertThat(ByteRange.parse("bytes=8-100", 10)).isEqualTo(new ByteRange(8, 9, true));
        assertThat(ByteRange.parse("BYTES= 1-1", 10).length()).isEqualTo(1);
        assertThat(ByteRange.parse("bytes=2-5", 10).contentRange(10)).isEqualTo("bytes 2-5/10");
    }

    @Test
    void malformedOrUnsatisfiableIs416() {
        for (String bad : new String[] {"bytes=10-", "bytes=5-2", "bytes=-0", "bytes=abc", "bytes=1-x", "bytes=-",
                "bytes=99999999999999999999-", "bytes=" + "1".repeat(300) + "-"}) {
            assertThatThrownBy(() -> ByteRange.parse(bad, 10)).as(bad).isInstanceOf(ByteRange.RangeNotSatisfiable.class);
        }
        assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0)).isInstanceOf(ByteRange.RangeNotSatisfiable.class);
    }
}
