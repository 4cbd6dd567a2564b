package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.Clock;
import io.cairn.core.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
    /** A clock the test moves by hand. */
    static final class ManualClock implements Clock {
        long nanos;

        @Override
        public Instant now() {
            return Instant.ofEpochSecond(0, nanos);
        }

        @Override
        public long nanoTime() {
            return nanos;
        }
    }

    @Test
    void aRefreshFallsBackToAnyKnownNodeWhenTheSeedIsGone() {
        FakeCluster cluster = new FakeCluster(4, 51);
        ClusterView view = new ClusterView(cluster, List.of(cluster.first()), Clock.SYSTEM);
        assertThat(view.refresh()).hasSize(4);
        cluster.nodes.getFirst().down = true;
        assertThat(view.refresh()).hasSize(4);
        cluster.nodes.forEach(n -> n.down = true);
        assertThatThrownBy(view::refresh).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void refreshIfOlderThanAsksOnlyWhenTheListIsStale() {
        FakeCluster cluster = new FakeCluster(2, 52);
        ManualClock clock = new ManualClock();
        ClusterView view = new ClusterView(cluster, List.of(cluster.first()), clock);
        view.refreshIfOlderThan(Duration.ofSeconds(5));
        cluster.nodes.getFirst().down = true;
        cluster.nodes.get(1).down = true;
        clock.nanos += Duration.ofSeconds(4).toNanos();
        assertThat(view.refreshIfOlderThan(Duration.ofSeconds(5))).as("fresh enough: no call").hasSize(2);
        clock.nanos += Duration.ofSeconds(2).toNanos();
        assertThatThrownBy(() -> view.refreshIfOlderThan(Duration.ofSeconds(5))).isInstanceOf(CairnException.class);
    }
}
