package io.cairn.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateWindowTest {
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final RateWindow window = new RateWindow(4, nanos::get);

    private void second() {
        nanos.addAndGet(1_000_000_000L);
    }

    @Test
    void averagesTheCompletedSecondsOfTheWindow() {
        assertThat(window.perSecond()).isZero();
        window.add(40);
        assertThat(window.perSecond()).as("the current second is not counted yet").isZero();
        second();
        assertThat(window.perSecond()).isEqualTo(10.0);
        window.add(40);
        second();
        assertThat(window.perSecond()).isEqualTo(20.0);
        second();
        second();
        assertThat(window.perSecond()).isEqualTo(20.0);
        second();
        assertThat(window.perSecond()).as("the first second left the window").isEqualTo(10.0);
        second();
        assertThat(window.perSecond()).isZero();
    }

    @Test
    void aBucketIsResetWhenItsSecondComesRoundAgain() {
        window.add(100);
        for (int i = 0; i < 5; i++) {
            second();
        }
        window.add(4);
        second();
        assertThat(window.perSecond()).isEqualTo(1.0);
    }
}
