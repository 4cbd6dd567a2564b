package io.cairn.node.apidrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Lease;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseVerdictTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_000_000);

    @Test
    void keepsWhenNoReplicaHasMore() {
        Lease ours = new Lease(1_000_100);
        assertThat(LeaseVerdict.decide(ours, null, NOW).kind()).isEqualTo(LeaseVerdict.Kind.KEEP);
        assertThat(LeaseVerdict.decide(ours, new Lease(1_000_100), NOW).kind()).isEqualTo(LeaseVerdict.Kind.KEEP);
        assertThat(LeaseVerdict.decide(ours, new Lease(1_000_050), NOW).kind()).isEqualTo(LeaseVerdict.Kind.KEEP);
    }

    @Test
    void adoptsALongerLiveLease() {
        LeaseVerdict v = LeaseVerdict.decide(new Lease(1_000_100), new Lease(2_000_000), NOW);
        assertThat(v.kind()).isEqualTo(LeaseVerdict.Kind.ADOPT);
        assertThat(v.lease()).isEqualTo(new Lease(2_000_000));
        assertThat(LeaseVerdict.decide(new Lease(1_000_100), Lease.NEVER, NOW).lease()).isEqualTo(Lease.NEVER);
    }

    @Test
    void revivesAnEndedCopyOnlyForALiveRemoteLease() {
        assertThat(LeaseVerdict.decide(new Lease(999_000), new Lease(1_500_000), NOW).kind())
                .isEqualTo(LeaseVerdict.Kind.REVIVE);
        // the other replica's lease ended too, if later than ours: nothing is live, nothing to revive
        assertThat(LeaseVerdict.decide(new Lease(999_000), new Lease(1_000_000), NOW).kind())
                .isEqualTo(LeaseVerdict.Kind.KEEP);
    }
}
