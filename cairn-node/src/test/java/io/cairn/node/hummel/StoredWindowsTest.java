package io.cairn.node.hummel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pure window policy of archives (DECISIONS 77, 85). */
class StoredWindowsTest {
    static final long W = StoredWindows.WINDOW_BYTES;

    @Test
    void theFirstWindowIsCountedExactlyAndCompressibleDataStaysCompressed() {
        StoredWindows w = new StoredWindows();
        assertThat(w.exact()).isTrue();
        assertThat(w.stored()).isFalse();
        for (int i = 0; i < 40; i++) {
            assertThat(w.next(W, W / 3)).isFalse();
            assertThat(w.exact()).isFalse();
        }
    }

    @Test
    void incompressibleDataIsStoredAndProbedEverySixteenthWindow() {
        StoredWindows w = new StoredWindows();
        assertThat(w.next(W, W + 20)).as("first window: random").isTrue();
        int probes = 0;
        for (int i = 2; i <= 64; i++) {
            boolean wasStored = w.stored();
            boolean stored = w.next(W, wasStored ? W + 5 : W + 30);
            if (wasStored && !stored) {
                probes++;
                assertThat(i % StoredWindows.PROBE_EVERY).isZero();
                assertThat(w.exact()).as("a probe window is counted exactly").isTrue();
            } else {
                assertThat(w.exact()).isFalse();
            }
        }
        assertThat(probes).isEqualTo(4);
    }

    @Test
    void aProbeThatCompressesEndsTheStoredStretch() {
        StoredWindows w = new StoredWindows();
        w.next(W, W + 20);
        while (w.stored()) {
            w.next(W, W + 5);
        }
        assertThat(w.next(W, W / 2)).as("the probe compressed").isFalse();
        assertThat(w.next(W, W / 2)).isFalse();
    }

    @Test
    void theThresholdIsThreePercent() {
        assertThat(new StoredWindows().next(1000, 969)).isFalse();
        assertThat(new StoredWindows().next(1000, 971)).isTrue();
    }
}
