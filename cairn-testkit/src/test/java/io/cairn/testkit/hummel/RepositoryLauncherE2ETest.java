package io.cairn.testkit.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.core.Json;
import io.cairn.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Repositories" section through the real launcher and real processes:
 * {@code ./cairn up --nodes 3 --repository ./site}, a build started with the token from
 * {@code cairn-data/write.token} (a wrong token refused), {@code ./cairn sync} into an empty
 * directory, the copy compared file by file, a second sync transferring nothing, then SIGTERM.
 */
class RepositoryLauncherE2ETest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration BOUND = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void upWithARepositoryBuildsAndSyncsThroughTheLauncher() throws Exception {
        Path site = work.resolve("site");
        Files.createDirectories(site.resolve("docs/guides"));
        Files.writeString(site.resolve("index.html"), "<h1>hello</h1>\n");
        Files.writeString(site.resolve("docs/guides/für-alle.md"), "Grüße ".repeat(5000));
        Files.write(site.resolve("docs/empty.txt"), new byte[0]);
        byte[] random = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(6).nextBytes(random);
        Files.write(site.resolve("docs/blob.bin"), random);

        long seed = System.nanoTime();
        int base = FreePorts.consecutive(3, seed);
        String master = "http://127.0.0.1:" + base;
        Process up = new ProcessBuilder(REPO.resolve("cairn").toString(), "up", "--nodes", "3",
                "--port", Integer.toString(base), "--data", "cairn-data", "--repository", "./site")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("up.log").toFile()).start();
        try {
            await("master answers (ports from seed " + seed + ")").atMost(BOUND).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> get(master + "/hummel/status").statusCode() == 200);
            await("3 nodes alive, so archives can be written with their quorum").atMost(BOUND)
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> get(master + "/nodes").body().split("\"status\":\"alive\"", -1).length - 1 == 3);
            String token = Files.readString(work.resolve("cairn-data/write.token")).strip();
            assertThat(work.resolve("cairn-data/slave.token")).exists();

            assertThat(post(master + "/build", "not-" + token).statusCode()).isEqualTo(401);
            HttpResponse<String> started = post(master + "/build", token);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String build = Json.MAPPER.readTree(started.body()).path("build").asString();
            await("build " + build).atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> !state(master, build).equals("running"));
            assertThat(state(master, build)).as("build %s", get(master + "/build/" + build).body()).isEqualTo("done");

            String first = sync(master, "sync1.log");
            assertThat(tree(work.resolve("copy"))).isEqualTo(tree(site));
            assertThat(first).contains("4 fetched");
            String second = sync(master, "sync2.log");
            assertThat(second).contains("4 unchanged", "0 fetched");
            assertThat(tree(work.resolve("copy"))).isEqualTo(tree(site));
        } finally {
            up.destroy(); // SIGTERM, as Ctrl-C would be
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("`cairn up` did not stop on SIGTERM; log:\n" + Files.readString(work.resolve("up.log")));
            }
        }
        assertThat(Files.readString(work.resolve("up.log"))).contains("repository", master + "/hummel/");
    }

    private String sync(String master, String log) throws Exception {
        Process p = new ProcessBuilder(REPO.resolve("cairn").toString(), "sync", "--master", master, "--to", "copy")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(log).toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cairn sync did not finish in 180 s");
        }
        String out = Files.readString(work.resolve(log));
        assertThat(p.exitValue()).as("cairn sync exit; output:\n%s", out).isZero();
        return out;
    }

    private static String state(String master, String build) throws Exception {
        return Json.MAPPER.readTree(get(master + "/build/" + build).body()).path("state").asString();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String url, String token) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("X-HUMMEL-TOKEN", token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Relative path → SHA-256 of every regular file under {@code root}. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(f).toString(), io.cairn.core.Address.of(Files.readAllBytes(f)).hex());
            }
        }
        return out;
    }

}
