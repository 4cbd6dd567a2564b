package io.cairn.node.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapabilityTest {
    static final long MB = 1_000_000;

    @Test
    void aNodeSubscribesToEveryCombinationOfTheTiersItMeetsUpToTheTableUpperEnds() {
        // 20 MB free → size low, medium; 365 days → all; 100 % → all; 10 Mbps → speed low only.
        var topics = new Capability(20 * MB, 365, 100, 10).topics();
        assertThat(topics).hasSize(2 * 3 * 3 * 1);
        assertThat(topics).contains("0f01010101", "0f02030301").doesNotContain("0f03010101", "0f01010102");
        assertThat(new Capability(100 * MB, 365, 100, 100).topics()).hasSize(81);
    }

    @Test
    void boundariesMeetATierExactlyAtItsUpperEnd() {
        assertThat(new Capability(8 * MB, 30, 50, 6).topics()).containsExactly("0f01010101");
        assertThat(new Capability(8 * MB - 1, 30, 50, 6).topics()).isEmpty();
        assertThat(new Capability(8 * MB, 29.99, 50, 6).topics()).isEmpty();
        assertThat(new Capability(8 * MB, 30, 49.9, 6).topics()).isEmpty();
        assertThat(new Capability(8 * MB, 30, 50, 5.9).topics()).isEmpty();
        assertThat(new Capability(32 * MB, 270, 99, 32).topics()).hasSize(81);
    }

    @Test
    void theConcreteCheckUsesTheContractsOwnValues() {
        Capability c = new Capability(20 * MB, 60, 90, 15);
        assertThat(c.canHonour(20, 60, 90, 15)).isTrue();
        assertThat(c.canHonour(20.000001, 60, 90, 15)).isFalse();
        assertThat(c.canHonour(1, 61, 90, 15)).isFalse();
        assertThat(c.canHonour(1, 1, 90.5, 15)).isFalse();
        assertThat(c.canHonour(1, 1, 1, 15.5)).isFalse();
    }
}
