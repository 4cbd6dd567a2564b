package io.cairn.testkit.hummel;

import io.cairn.core.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal W3C WebDriver client (the few commands a test needs: navigate, find, click, answer a
 * prompt, read text) over Debian's {@code chromedriver}, driving headless Chromium on loopback.
 * No Selenium dependency: the protocol is JSON over HTTP (https://www.w3.org/TR/webdriver2/).
 */
final class WebDriverSession implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String session;

    static boolean available() {
        return Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(HummelPageBrowserTest.CHROMIUM);
    }

    WebDriverSession(Path profile) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(profile);
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromedriver.log").toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        try {
            org.awaitility.Awaitility.await("chromedriver listening").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> driver.isAlive() && http.send(HttpRequest.newBuilder(base.resolve("/status"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            session = newSession(profile);
        } catch (IOException | RuntimeException e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    private String newSession(Path profile) throws IOException, InterruptedException {
        ObjectNode options = Json.MAPPER.createObjectNode();
        options.put("binary", HummelPageBrowserTest.CHROMIUM.toString());
        var args = options.putArray("args");
        for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-sync", "--window-size=1200,900",
                "--user-data-dir=" + profile.resolve("chrome"))) {
            args.add(a);
        }
        ObjectNode caps = Json.MAPPER.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        always.put("unhandledPromptBehavior", "ignore");
        always.set("goog:chromeOptions", options);
        return call("POST", "/session", caps).path("sessionId").asString();
    }

    void open(URI url) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/url", Json.MAPPER.createObjectNode().put("url", url.toString()));
    }

    /** The element's id, or null when the page has none matching. */
    String find(String css) throws IOException, InterruptedException {
        ObjectNode q = Json.MAPPER.createObjectNode().put("using", "css selector").put("value", css);
        JsonNode found = call("POST", "/session/" + session + "/elements", q);
        return found.isArray() && !found.isEmpty() ? found.get(0).path(ELEMENT_KEY).asString() : null;
    }

    void click(String element) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/element/" + element + "/click", Json.MAPPER.createObjectNode());
    }

    String text(String element) throws IOException, InterruptedException {
        return call("GET", "/session/" + session + "/element/" + element + "/text", null).asString();
    }

    /** The open prompt's message, or null when no prompt is open. */
    String promptText() throws IOException, InterruptedException {
        HttpResponse<String> r = raw("GET", "/session/" + session + "/alert/text", null);
        return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()).path("value").asString() : null;
    }

    void answerPrompt(String text) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/alert/text", Json.MAPPER.createObjectNode().put("text", text));
        call("POST", "/session/" + session + "/alert/accept", Json.MAPPER.createObjectNode());
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> r = raw(method, path, body);
        if (r.statusCode() != 200) {
            throw new IOException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).path("value");
    }

    private HttpResponse<String> raw(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                raw("DELETE", "/session/" + session, null);
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // the driver is killed below either way
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                driver.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
