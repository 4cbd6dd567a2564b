package io.cairn.testkit;

import static io.cairn.testkit.Healing.FAST;
import static io.cairn.testkit.Healing.awaitAllAlive;
import static io.cairn.testkit.Healing.awaitSettled;
import static io.cairn.testkit.Healing.healing;
import static io.cairn.testkit.Healing.storeFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue #9: the dashboard in a real browser (Debian's headless Chromium, installed by .ci/run),
 * against a running 3-node cluster. The page is read from node 1, which is not the distribute
 * service, so the state it shows has crossed the cluster.
 */
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;

    @Test
    void showsEveryNodeHealthyThenTheKilledOne() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("DashboardBrowserTest skipped: " + CHROMIUM + " is missing (.ci/run installs it)");
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing; .ci/run installs it");
        long seed = 9_001;
        try (TestCluster cluster = TestCluster.start(3, tmp.resolve("c"), healing(FAST))) {
            awaitAllAlive(cluster, 3);
            storeFile(cluster, tmp, 400_000, seed);
            awaitSettled(cluster, seed);
            URI page = cluster.url(1);
            await("node 1's dashboard says healthy (seed " + seed + ")").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> level(state(page)).equals("healthy"));

            String dom = dumpDom(page);
            for (int i = 0; i < 3; i++) {
                assertThat(dom).as("the page lists node %d (seed %d)", i, seed).contains(cluster.id(i).shortHex());
            }
            assertThat(dom).contains("data-health=\"healthy\"").contains("data-status=\"alive\"")
                    .doesNotContain(cluster.clusterKey());
            checkScreenshot(page, 1280, 900, "healthy");
            checkScreenshot(page, 420, 900, "healthy");

            cluster.stop(2);
            String victim = cluster.id(2).hex();
            await("node 1's dashboard shows node 2 suspect or dead (seed " + seed + ")")
                    .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> !statusOf(state(page), victim).equals("alive"));
            String after = dumpDom(page);
            assertThat(after).as("seed %d", seed)
                    .containsPattern("data-node-id=\"" + victim + "\" data-status=\"(suspect|dead)\"")
                    .doesNotContain("data-health=\"healthy\"");
            checkScreenshot(page, 1280, 900, "degraded");
        }
    }

    private static String level(JsonNode state) {
        return state.get("health").get("level").stringValue();
    }

    private static String statusOf(JsonNode state, String id) {
        for (JsonNode n : state.get("nodes")) {
            if (n.get("id").stringValue().equals(id)) {
                return n.get("status").stringValue();
            }
        }
        return "absent";
    }

    private static JsonNode state(URI node) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/dashboard/state"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return Json.MAPPER.readTree(r.body());
    }

    private String dumpDom(URI page) throws Exception {
        return new String(chromium(List.of("--dump-dom", page + "/")), StandardCharsets.UTF_8);
    }

    /** Takes a screenshot (kept in target/ for people to look at) and checks it shows something. */
    private void checkScreenshot(URI page, int width, int height, String health) throws Exception {
        Path png = Files.createDirectories(Path.of("target", "dashboard-screenshots"))
                .resolve("dashboard-" + health + "-" + width + ".png").toAbsolutePath();
        Files.deleteIfExists(png);
        chromium(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars", page + "/"));
        assertThat(Files.size(png)).as("screenshot %s", png).isPositive();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("decodable PNG %s", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(width);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("colours in %s", png).isGreaterThan(10);
        // The verdict banner at the top left is green when healthy, amber (red high, blue low) otherwise.
        int rgb = image.getRGB(4, 4);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (health.equals("healthy")) {
            assertThat(g).as("banner pixel %06x is green in %s", rgb & 0xffffff, png).isGreaterThan(r + 40).isGreaterThan(b + 20);
        } else {
            assertThat(r).as("banner pixel %06x is amber or red in %s", rgb & 0xffffff, png).isGreaterThan(b + 80);
        }
    }

    /** Runs headless Chromium once with a fresh profile; returns its standard output. */
    private byte[] chromium(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(args);
        Path out = tmp.resolve("chromium-" + System.nanoTime() + ".out");
        Path err = tmp.resolve("chromium-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + BROWSER_TIMEOUT + ": " + command);
        }
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", Files.readString(err)).isZero();
        return Files.readAllBytes(out);
    }
}
