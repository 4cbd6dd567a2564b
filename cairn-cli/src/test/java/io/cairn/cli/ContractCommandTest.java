package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn topic} and {@code cairn contract}: the issue's example, boundaries, bad values, one node. */
class ContractCommandTest {
    @TempDir
    Path dir;

    @Test
    void topicPrintsTheIssuesExampleAndBoundariesGoUp() {
        Cli r = Cli.run("topic", "--size-mb", "5", "--duration-days", "60", "--availability", "99", "--speed-mbps", "20");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("0f01020303");
        assertThat(Cli.run("topic", "--size-mb", "8", "--duration-days", "30", "--availability", "50", "--speed-mbps", "6")
                .stdout().strip()).isEqualTo("0f02020202");
        assertThat(Cli.run("topic", "--size-mb", "16", "--duration-days", "90", "--availability", "80", "--speed-mbps", "12")
                .stdout().strip()).isEqualTo("0f03030303");
        assertThat(Cli.run("topic", "--size-mb", "1e6", "--duration-days", "9999", "--availability", "100", "--speed-mbps", "0")
                .stdout().strip()).isEqualTo("0f03030301");
    }

    @Test
    void topicRefusesNegativeAndNonNumericValues() {
        for (String[] bad : new String[][] {{"-1", "60", "99", "20"}, {"5", "sixty", "99", "20"}, {"5", "60", "101", "20"},
                {"5", "60", "99", "NaN"}, {"5", "60", "99", ""}}) {
            Cli r = Cli.run("topic", "--size-mb", bad[0], "--duration-days", bad[1], "--availability", bad[2],
                    "--speed-mbps", bad[3]);
            assertThat(r.exit()).as(String.join(",", bad) + " " + r).isEqualTo(2);
        }
        assertThat(Cli.run("topic", "--size-mb", "5").exit()).isEqualTo(2);
    }

    @Test
    void nodeRefusesANegativeAdvertisedSpeed() {
        Cli r = Cli.run("node", "--port", "0", "--data", dir.resolve("n").toString(), "--open", "--speed-mbps", "-1");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("speedMbps");
    }

    @Test
    void contractPublishesAndShows() throws Exception {
        String key = ClusterKeys.readOrCreate(dir.resolve("cluster.key"));
        try (LocalCluster cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("nodes"), 1, key)) {
            URI node = cluster.node(0).url();
            byte[] block = "a block worth a contract".getBytes();
            Address a = Address.of(block);
            HttpResponse<Void> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.resolve("/blocks/" + a))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(block)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(put.statusCode()).isEqualTo(201);

            Cli r = Cli.run("contract", a.hex(), "--size-mb", "5", "--duration-days", "60", "--availability", "99",
                    "--speed-mbps", "20", "--replicas", "2", "--node", node.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.stdout()).matches("contract [0-9a-f]{32} topic 0f01020303\\s*");
            String id = r.stdout().split(" ")[1];
            Cli show = Cli.run("contract", "--show", id, "--node", node.toString());
            assertThat(show.exit()).as(show.toString()).isZero();
            assertThat(show.stdout()).contains("\"topic\" : \"0f01020303\"", "\"offers\"", "\"accepted\"", "\"stored\"");

            Cli unknown = Cli.run("contract", "--show", "0".repeat(32), "--node", node.toString());
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.stderr()).startsWith("cairn: ").contains("404");
            assertThat(Cli.run("contract", a.hex(), "--size-mb", "-5", "--duration-days", "60", "--availability", "99",
                    "--speed-mbps", "20", "--node", node.toString()).exit()).isEqualTo(2);
            assertThat(Cli.run("contract", "nothex", "--size-mb", "5", "--duration-days", "60", "--availability", "99",
                    "--speed-mbps", "20", "--node", node.toString()).exit()).isEqualTo(2);
        }
    }

    @Test
    void contractWaitsUntilTwoNodesOfALocalClusterStoreTheBlock() throws Exception {
        String key = ClusterKeys.readOrCreate(dir.resolve("cluster.key"));
        try (LocalCluster cluster = LocalCluster.start("127.0.0.1", 0, dir.resolve("nodes"), 3, key)) {
            var publisher = cluster.node(0);
            org.awaitility.Awaitility.await("node 0 sees two overlay neighbours").atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> publisher.contracts().pubsub().neighbours().size() == 2);
            Address a;
            try (var client = io.cairn.client.CairnClient.connect(publisher.url(), key)) {
                a = client.putBlock("held under contract by two nodes".getBytes());
            }
            Cli r = Cli.run("contract", a.hex(), "--size-mb", "1", "--duration-days", "10", "--availability", "90",
                    "--speed-mbps", "20", "--replicas", "2", "--wait", "60", "--node", publisher.url().toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.stdout()).contains("topic 0f01010303", "\"stored\" : [ \"");
            String state = r.stdout().substring(r.stdout().indexOf('{'));
            var json = io.cairn.core.Json.MAPPER.readTree(state);
            assertThat(json.get("stored").size()).isEqualTo(2);
            assertThat(json.get("stored").toString()).doesNotContain(publisher.id().hex());
        }
    }
}
