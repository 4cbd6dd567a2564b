package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void portsAreChosenOutsideTheEphemeralRangeAndAreFree() throws Exception {
        int[] range = FreePorts.listenRange();
        assertThat(range[1] - range[0]).as("a wide enough range").isGreaterThanOrEqualTo(5_000);
        Path ephemeral = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(ephemeral)) {
            String[] r = FreePorts.procFile(ephemeral.toString()).trim().split("\\s+");
            int low = Integer.parseInt(r[0]);
            int high = Integer.parseInt(r[1]);
            assertThat(range[1] <= low || range[0] > high).as("%d..%d against ephemeral %d..%d", range[0], range[1], low, high).isTrue();
        }
        for (long seed = 1; seed <= 20; seed++) {
            int base = FreePorts.consecutive(3, seed);
            assertThat(base).as("seed %d", seed).isGreaterThanOrEqualTo(range[0]);
            assertThat(base + 3).as("seed %d", seed).isLessThanOrEqualTo(range[1]);
            try (ServerSocket s = new ServerSocket(base + 2, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(base + 2);
            }
        }
    }
}
