package io.cairn.testkit.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's page ({@code GET /hummel/}) in headless Chromium: its DOM lists the repository's
 * files, slaves and last build, and its screenshot is a real rendering (not blank, not uniform).
 * Runs when {@code /usr/bin/chromium} exists ({@code .ci/run} installs it); skipped otherwise,
 * saying why.
 */
class HummelPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final long BROWSER_TIMEOUT_S = 60;
    static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void thePageShowsTheRepositoryInARealBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("HummelPageBrowserTest skipped: no " + CHROMIUM + " (apt-get install chromium chromium-driver)");
        }
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM);
        try (HummelRig rig = new HummelRig(tmp, 3, null)) {
            Files.writeString(rig.repo.resolve("alpha-report.txt"), "alpha");
            Files.createDirectories(rig.repo.resolve("docs"));
            Files.writeString(rig.repo.resolve("docs/béta-guide.md"), "beta ".repeat(1000));
            rig.build();
            rig.awaitSlavesHoldAll();
            String url = rig.master() + "/hummel/";

            String dom = chromium(tmp.resolve("profile-dom"), "--dump-dom", url);
            assertThat(dom).contains("alpha-report.txt", "docs/béta-guide.md", "id=\"file-count\">2<", "done",
                    rig.cluster.url(1).toString(), rig.cluster.url(2).toString(), "Start a build");

            Path png = tmp.resolve("page.png");
            chromium(tmp.resolve("profile-shot"), "--screenshot=" + png, "--window-size=1200,900", url);
            assertThat(Files.size(png)).isGreaterThan(1000);
            Files.copy(png, Path.of("target", "hummel-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING); // for a human
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(1200);
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 7) {
                for (int x = 0; x < image.getWidth(); x += 7) {
                    colours.add(image.getRGB(x, y));
                }
            }
            assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(5);
        }
    }

    /**
     * The page's button in a real browser (W3C WebDriver over chromedriver): it asks for the write
     * token; a wrong one is refused on the page and starts nothing; the right one starts a build,
     * whose result (a file added since the last build) shows on the page when it reloads.
     */
    @Test
    void theBuildButtonAsksForTheWriteTokenAndStartsABuild() throws Exception {
        if (!WebDriverSession.available()) {
            System.out.println("build-button test skipped: no chromedriver or chromium (apt-get install chromium chromium-driver)");
        }
        assumeTrue(WebDriverSession.available(), "no chromedriver");
        try (HummelRig rig = new HummelRig(tmp, 2, null)) {
            Files.writeString(rig.repo.resolve("first.txt"), "one");
            rig.build();
            Files.writeString(rig.repo.resolve("second-added.txt"), "two");
            try (WebDriverSession browser = new WebDriverSession(tmp.resolve("webdriver"))) {
                browser.open(rig.master().resolve("/hummel/"));
                assertThat(browser.text(browser.find("#file-count"))).isEqualTo("1");

                browser.click(browser.find("#build"));
                await("the token prompt").atMost(BOUND).pollInterval(Duration.ofMillis(100))
                        .until(() -> browser.promptText() != null);
                assertThat(browser.promptText()).isEqualTo("Write token");
                browser.answerPrompt("not-the-write-token");
                await("the refusal on the page").atMost(BOUND).pollInterval(Duration.ofMillis(100))
                        .until(() -> browser.text(browser.find("#build-state")).startsWith("refused"));
                assertThat(indexPaths(rig)).containsExactly("first.txt");

                browser.click(browser.find("#build"));
                await("the token prompt, again").atMost(BOUND).pollInterval(Duration.ofMillis(100))
                        .until(() -> browser.promptText() != null);
                browser.answerPrompt(HummelRig.WRITE);
                await("the build's result on the reloaded page").atMost(BOUND).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions() // the page reloads under the poll: elements go stale
                        .until(() -> "2".equals(browser.text(browser.find("#file-count"))));
                assertThat(indexPaths(rig)).containsExactlyInAnyOrder("first.txt", "second-added.txt");
                assertThat(browser.text(browser.find("#last-build"))).contains("done");
            }
        }
    }

    private static List<String> indexPaths(HummelRig rig) {
        List<String> paths = new ArrayList<>();
        rig.get("/index?path=").path("files").forEach(f -> paths.add(f.path("path").asString()));
        return paths;
    }

    static String chromium(Path profile, String... args) throws Exception {
        Files.createDirectories(profile);
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = profile.resolve("stdout");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(profile.resolve("stderr").toFile()).start();
        if (!p.waitFor(BROWSER_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + BROWSER_TIMEOUT_S + " s");
        }
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", Files.readString(profile.resolve("stderr"))).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
