package io.cairn.core.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.contracts.ContractTopic.Tier;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContractTopicTest {
    @Test
    void theIssueExample() {
        assertThat(ContractTopic.hexOf(5, 60, 99, 20)).isEqualTo("0f01020303");
        assertThat(ContractTopic.of(ContractCriteria.parse("5", "60", "99", "20")).hex()).isEqualTo("0f01020303");
    }

    /** Every boundary of the table: just below, exactly on (goes up: lower bound inclusive), just above. */
    @ParameterizedTest(name = "{0} = {1} -> {2}")
    @CsvSource({
            "size, 0, LOW", "size, 7.999999, LOW", "size, 8, MEDIUM", "size, 8.000001, MEDIUM",
            "size, 15.999999, MEDIUM", "size, 16, HIGH", "size, 32, HIGH", "size, 1e9, HIGH",
            "duration, 0, LOW", "duration, 29.99, LOW", "duration, 30, MEDIUM", "duration, 89.99, MEDIUM",
            "duration, 90, HIGH", "duration, 270, HIGH", "duration, 100000, HIGH",
            "availability, 0, LOW", "availability, 49.999, LOW", "availability, 50, MEDIUM",
            "availability, 79.999, MEDIUM", "availability, 80, HIGH", "availability, 99, HIGH",
            "availability, 99.999, HIGH", "availability, 100, HIGH",
            "speed, 0, LOW", "speed, 5.99, LOW", "speed, 6, MEDIUM", "speed, 11.99, MEDIUM", "speed, 12, HIGH",
            "speed, 32, HIGH", "speed, 1000, HIGH",
    })
    void boundariesBelongToTheHigherTier(String field, double value, Tier expected) {
        double[] v = {1, 1, 1, 1};
        int i = switch (field) {
            case "size" -> 0;
            case "duration" -> 1;
            case "availability" -> 2;
            default -> 3;
        };
        v[i] = value;
        byte[] bytes = ContractTopic.of(new ContractCriteria(v[0], v[1], v[2], v[3])).toBytes();
        assertThat(bytes[0]).isEqualTo(ContractTopic.TAG);
        assertThat(bytes[1 + i]).as("%s=%s", field, value).isEqualTo((byte) expected.code());
        for (int j = 0; j < 4; j++) {
            if (j != i) {
                assertThat(bytes[1 + j]).isEqualTo((byte) Tier.LOW.code());
            }
        }
    }

    @Test
    void negativeZeroIsZero() {
        assertThat(ContractTopic.hexOf(-0.0, -0.0, -0.0, -0.0)).isEqualTo("0f01010101");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1, -0.000001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            -Double.MIN_VALUE})
    void invalidNumbersAreBadRequestsInEveryField(double bad) {
        for (int i = 0; i < 4; i++) {
            double[] v = {1, 1, 1, 1};
            v[i] = bad;
            assertThatThrownBy(() -> new ContractCriteria(v[0], v[1], v[2], v[3]))
                    .as("field %d = %s", i, bad)
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
    }

    @Test
    void availabilityAboveOneHundredIsRefused() {
        assertThatThrownBy(() -> ContractTopic.hexOf(1, 1, 100.0001, 1))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "NaN", "Infinity", "-Infinity", "8d", "8f", "0x1p3", "1,5", "--1", "-3",
            "1e999999999"})
    void nonNumericAndNegativeTextIsABadRequest(String text) {
        assertThatThrownBy(() -> ContractCriteria.parse(text, "1", "1", "1"))
                .as("size '%s'", text)
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> ContractCriteria.parse("1", "1", "1", text))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> ContractCriteria.parse("1", "1", "1", null)).isInstanceOf(CairnException.class);
    }

    @Test
    void acceptsPlainAndScientificDecimals() {
        assertThat(ContractCriteria.parse(" 8 ", "3e1", "50.0", "6.000").sizeMb()).isEqualTo(8.0);
        assertThat(ContractTopic.of(ContractCriteria.parse("8", "3e1", "50.0", "6.000")).hex()).isEqualTo("0f02020202");
    }

    @Test
    void everyTopicRoundTripsThroughItsHex() {
        int count = 0;
        for (Tier a : Tier.values()) {
            for (Tier b : Tier.values()) {
                for (Tier c : Tier.values()) {
                    for (Tier d : Tier.values()) {
                        ContractTopic t = new ContractTopic(a, b, c, d);
                        assertThat(ContractTopic.parse(t.hex())).isEqualTo(t);
                        assertThat(ContractTopic.isContractTopic(t.hex())).isTrue();
                        count++;
                    }
                }
            }
        }
        assertThat(count).isEqualTo(81);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0F01020303", "0e01020303", "0f00020303", "0f04020303", "0f010203", "0f0102030301",
            "0f0102030g", "zz01020303"})
    void malformedTopicsAreBadRequests(String hex) {
        assertThatThrownBy(() -> ContractTopic.parse(hex))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThat(ContractTopic.isContractTopic(hex)).isFalse();
        assertThat(ContractTopic.isContractTopic(null)).isFalse();
    }

    /** Monotone: raising any criterion never lowers its tier. Seeded. */
    @Test
    void tiersAreMonotone() {
        long seed = 20260307L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            double a = random.nextDouble(0, 300);
            double b = a + random.nextDouble(0, 50);
            double pa = Math.min(a, 100), pb = Math.min(b, 100);
            ContractTopic low = ContractTopic.of(new ContractCriteria(a, a, pa, a));
            ContractTopic high = ContractTopic.of(new ContractCriteria(b, b, pb, b));
            String why = "seed " + seed + " a=" + a + " b=" + b;
            assertThat(high.size().compareTo(low.size())).as(why).isGreaterThanOrEqualTo(0);
            assertThat(high.duration().compareTo(low.duration())).as(why).isGreaterThanOrEqualTo(0);
            assertThat(high.availability().compareTo(low.availability())).as(why).isGreaterThanOrEqualTo(0);
            assertThat(high.speed().compareTo(low.speed())).as(why).isGreaterThanOrEqualTo(0);
        }
    }
}
