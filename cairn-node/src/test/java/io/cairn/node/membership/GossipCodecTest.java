package io.cairn.node.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GossipCodecTest {
    private final SplittableRandom random = new SplittableRandom(42);
    private final NodeId a = NodeId.random(random);
    private final Member member = new Member(a, URI.create("http://127.0.0.1:7070"), Set.of("storage", "distribute"),
            1_763_750_000_000L, 12, 100, 200, 1.5, NodeStatus.SUSPECT);

    @Test
    void roundTrips() {
        byte[] request = GossipCodec.encodeRequest(a, List.of(member));
        GossipCodec.Message m = GossipCodec.decodeRequest(Json.MAPPER.readTree(request));
        assertThat(m.sender()).isEqualTo(a);
        assertThat(m.members()).containsExactly(member);
        assertThat(GossipCodec.decodeResponse(GossipCodec.encodeResponse(List.of(member)))).containsExactly(member);
    }

    @Test
    void goldenBytes() {
        assertThat(new String(GossipCodec.encodeResponse(List.of(member)), StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":1,\"members\":[{\"id\":\"" + a.hex() + "\",\"url\":\"http://127.0.0.1:7070\","
                        + "\"roles\":[\"distribute\",\"storage\"],\"generation\":1763750000000,\"heartbeat\":12,"
                        + "\"freeBytes\":100,\"capacityBytes\":200,\"load\":1.5,\"status\":\"suspect\"}]}");
    }

    @Test
    void refusesWhatItCannotTrust() {
        String good = new String(GossipCodec.encodeRequest(a, List.of(member)), StandardCharsets.UTF_8);
        String[] bad = {
            good.replace("\"version\":1", "\"version\":2"),
            good.replace("http://127.0.0.1:7070", "file:///etc/passwd"),
            good.replace("\"heartbeat\":12", "\"heartbeat\":-1"),
            good.replace("\"status\":\"suspect\"", "\"status\":\"zombie\""),
            good.replace("\"sender\":\"" + a.hex(), "\"sender\":\"" + NodeId.random(random).hex()),
            good.replace(a.hex(), "abc"),
            "{\"version\":1,\"sender\":\"" + a.hex() + "\"}",
            "[]",
        };
        for (String json : bad) {
            assertThatThrownBy(() -> GossipCodec.decodeRequest(Json.MAPPER.readTree(json))).as(json)
                    .isInstanceOf(CairnException.class);
        }
    }
}
