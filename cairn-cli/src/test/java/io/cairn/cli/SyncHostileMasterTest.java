package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.cairn.core.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn sync} against a master that lies: entries that climb out of the target, go
 * through a symlink, or name a link to a file outside, and an archive whose content is not its
 * hash. Nothing outside the target may change; the honest entries still arrive; exit 1.
 */
class SyncHostileMasterTest {
    @TempDir
    Path tmp;
    HttpServer server;
    final Map<String, byte[]> archives = new HashMap<>();

    static String sha(byte[] b) throws Exception {
        return Hex.encode(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    String entry(String path, byte[] content) throws Exception {
        String h = sha(content);
        archives.putIfAbsent(h, gzip(content));
        return "{\"path\":\"" + path + "\",\"size\":" + content.length + ",\"mtime\":1700000000000,\"mode\":420,\"hash\":\"" + h + "\"}";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aHostileIndexCannotWriteOutsideTheTarget() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret"), "untouched");
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.createSymbolicLink(target.resolve("link"), outside);                 // a directory link out
        Files.createSymbolicLink(target.resolve("victim"), secret);                // a file link out
        byte[] evil = "pwned".getBytes(StandardCharsets.UTF_8);
        byte[] good = "honest content".getBytes(StandardCharsets.UTF_8);
        byte[] claimed = "what the index claims".getBytes(StandardCharsets.UTF_8);
        List<String> entries = List.of(
                entry(outside.resolve("abs").toString(), evil),
                entry("../outside/up", evil),
                entry("sub/../../outside/dotdot", evil),
                entry("link/through-symlink", evil),
                entry("victim", good),
                entry("good/file", good),
                entry("liar", claimed));
        archives.put(sha(claimed), gzip(evil)); // served content does not match the hash
        String index = "{\"version\":1,\"files\":[" + String.join(",", entries) + "]}";

        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            if (p.equals("/index")) {
                body = index.getBytes(StandardCharsets.UTF_8);
            } else if (p.equals("/locate")) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            } else if (p.startsWith("/hummel/") && archives.containsKey(p.substring(8, p.length() - 3))) {
                body = archives.get(p.substring(8, p.length() - 3));
            } else if (p.equals("/clients/hashes")) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 404;
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        String master = "http://127.0.0.1:" + server.getAddress().getPort();

        Cli r = Cli.run("sync", "--master", master, "--to", target.toString(), "--delete");

        assertThat(r.exit()).as("%s", r).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.stderr()).contains("absolute path", "'..' segment", "symlink", "content does not match");
        try (Stream<Path> s = Files.walk(outside)) {
            assertThat(s.filter(Files::isRegularFile).toList()).containsExactly(secret);
        }
        assertThat(Files.readString(secret)).isEqualTo("untouched");
        assertThat(Files.readString(target.resolve("good/file"))).isEqualTo("honest content");
        // The link named "victim" was replaced by a file, not written through.
        assertThat(Files.isSymbolicLink(target.resolve("victim"))).isFalse();
        assertThat(Files.readString(target.resolve("victim"))).isEqualTo("honest content");
        assertThat(Files.exists(target.resolve("liar"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        try (Stream<Path> s = Files.walk(target)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".cairn-sync-"));
        }
    }

    @Test
    void aSlaveLyingAboutContentIsCaughtAndTheArchiveIsUsed() throws Exception {
        byte[] good = "honest content, honest content, honest content, honest content".repeat(100)
                .getBytes(StandardCharsets.UTF_8);
        byte[] evil = "pwned".repeat(good.length / 5).getBytes(StandardCharsets.UTF_8); // same size
        String h = sha(good);
        archives.put(h, gzip(good));
        String index = "{\"version\":1,\"files\":[{\"path\":\"f\",\"size\":" + good.length
                + ",\"mtime\":1700000000000,\"mode\":420,\"hash\":\"" + h + "\",\"archiveSize\":" + archives.get(h).length + "}]}";
        List<String> asked = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String self = "http://127.0.0.1:%d";
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            asked.add(p);
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            if (p.equals("/index")) {
                body = index.getBytes(StandardCharsets.UTF_8);
            } else if (p.equals("/locate")) { // names itself as the slave
                body = ("{\"" + h + "\":[\"" + self.formatted(server.getAddress().getPort()) + "\"]}").getBytes(StandardCharsets.UTF_8);
            } else if (p.equals("/hummel/" + h)) {
                body = evil;
            } else if (p.equals("/hummel/" + h + ".gz")) {
                body = archives.get(h);
            }
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        Path target = tmp.resolve("target");

        Cli r = Cli.run("sync", "--master", self.formatted(server.getAddress().getPort()), "--to", target.toString());

        assertThat(r.exit()).as("%s", r).isEqualTo(Main.EXIT_OK);
        assertThat(asked).contains("/hummel/" + h, "/hummel/" + h + ".gz");
        assertThat(Files.readAllBytes(target.resolve("f"))).isEqualTo(good);
        try (Stream<Path> s = Files.walk(target)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".cairn-sync-"));
        }
    }
}
