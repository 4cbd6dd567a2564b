package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the README as a new user would, through the real `./cairn` launcher and real processes:
 * `./cairn up` in the background, then the README's "Putting and getting files" shell blocks run
 * verbatim by bash (pointed at this cluster through CAIRN_NODE and NODE), then Ctrl-C (SIGTERM)
 * stops the cluster cleanly. If the README drifts from what the commands do, this test fails.
 */
class ReadmeQuickstartE2ETest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void readmeQuickstartWorksAgainstARealCluster() throws Exception {
        assertThat(REPO.resolve("cairn")).as("launcher at the repository root").isExecutable();
        long seed = System.nanoTime();
        int base = FreePorts.consecutive(3, seed);
        String node0 = "http://127.0.0.1:" + base;
        Path data = work.resolve("cairn-data");
        Process up = new ProcessBuilder(REPO.resolve("cairn").toString(), "up", "--nodes", "3",
                "--port", Integer.toString(base), "--data", data.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("up.log").toFile()).start();
        try {
            await("3 nodes alive (ports from seed " + seed + ")").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> aliveCount(node0) == 3);
            assertThat(data.resolve("cluster.key")).exists();

            String script = "set -euo pipefail\n"
                    + "ln -s " + REPO.resolve("cairn") + " ./cairn\n"
                    + "export CAIRN_NODE=" + node0 + "\n"
                    + readmeBlocks().replace("http://127.0.0.1:7070", node0) + "\n";
            Files.writeString(work.resolve("readme.sh"), script);
            Process run = new ProcessBuilder("bash", "readme.sh").directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(work.resolve("readme.log").toFile()).start();
            assertThat(run.waitFor(180, TimeUnit.SECONDS)).as("README commands finish").isTrue();
            String log = Files.readString(work.resolve("readme.log"));
            assertThat(run.exitValue()).as("README commands exit 0; output:\n" + log).isZero();
            assertThat(log).contains("same");
            assertThat(Files.readString(work.resolve("copy.txt"))).isEqualTo("hello, cairn\n");
        } finally {
            up.destroy(); // SIGTERM, as Ctrl-C would be
            boolean exited = up.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                up.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(exited).as("`cairn up` stops on SIGTERM; log:\n" + readQuietly(work.resolve("up.log"))).isTrue();
        }
        String upLog = Files.readString(work.resolve("up.log"));
        assertThat(upLog).contains(node0);
    }

    /** The shell blocks under the README heading "Putting and getting files". */
    private static String readmeBlocks() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        int start = readme.indexOf("## Putting and getting files");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(section);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            out.append(m.group(1)).append('\n');
        }
        assertThat(out).as("README has shell blocks under 'Putting and getting files'").isNotEmpty();
        return out.toString();
    }

    private static long aliveCount(String node) throws IOException, InterruptedException {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/nodes"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (reply.statusCode() != 200) {
            return -1;
        }
        return List.of(reply.body().split("\"status\":\"alive\"", -1)).size() - 1;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
