package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line parsing and exit codes, without a cluster. */
class MainTest {
    @TempDir
    Path dir;

    static String closedNode() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void helpListsEveryCommand() {
        Cli r = Cli.run("--help");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("up", "node", "put", "get", "nodes", "demo");
        assertThat(Cli.run("put", "--help").stdout()).contains("--chunk-size", "--node");
    }

    @Test
    void versionNamesCairn() {
        Cli r = Cli.run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).startsWith("cairn ");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(Cli.run("frobnicate").exit()).isEqualTo(2);
        assertThat(Cli.run("put").exit()).isEqualTo(2);
        assertThat(Cli.run("get", "--bogus", "x").exit()).isEqualTo(2);
        assertThat(Cli.run("put", "f", "--chunk-size", "512").exit()).isEqualTo(2);
        assertThat(Cli.run("put", "f", "--chunk-size", "5MiB").exit()).isEqualTo(2);
        assertThat(Cli.run("put", "f", "--chunk-size", "lots").exit()).isEqualTo(2);
        assertThat(Cli.run("put", "f", "--lease", "tomorrow").exit()).isEqualTo(2);
    }

    @Test
    void anAddressThatIsNotHexIsAUsageError() {
        Cli r = Cli.run("get", "../../etc/passwd");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("is not an address");
    }

    @Test
    void aNodeNeedsAKeyFileOrOpen() {
        Cli r = Cli.run("node", "--port", "0", "--data", dir.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("--cluster-key-file", "--open");
        Cli both = Cli.run("node", "--port", "0", "--data", dir.toString(), "--open", "--cluster-key-file", "k");
        assertThat(both.exit()).isEqualTo(2);
        Cli role = Cli.run("node", "--port", "0", "--data", dir.toString(), "--open", "--roles", "storage,wizard");
        assertThat(role.exit()).isEqualTo(2);
        assertThat(role.stderr()).contains("unknown role 'wizard'");
    }

    @Test
    void failuresAreOneLineOnStderrWithExitOne() throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "hello");
        Cli r = Cli.run("put", file.toString(), "--node", closedNode());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("cairn: ").contains("GET /nodes").doesNotContain("\tat ");
        assertThat(r.stderr().strip().lines()).hasSize(1);

        Cli missing = Cli.run("put", dir.resolve("nope").toString(), "--node", closedNode());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr().strip()).startsWith("cairn: ").contains("nope").doesNotContain("\n");

        Cli verbose = Cli.run("put", file.toString(), "--node", closedNode(), "--verbose");
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.stderr()).contains("\tat ");
    }

    @Test
    void aKeyFileThatIsMissingIsReported() throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "hello");
        Cli r = Cli.run("put", file.toString(), "--node", closedNode(), "--cluster-key-file", dir.resolve("none").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("cairn: no cluster key file at");
    }

    @Test
    void sizesReadBinarySuffixes() {
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("64KiB")).isEqualTo(65536);
        assertThat(Sizes.parse("64k")).isEqualTo(65536);
        assertThat(Sizes.parse("4MiB")).isEqualTo(4L << 20);
        assertThat(Sizes.parse("10 GiB")).isEqualTo(10L << 30);
        assertThat(Sizes.parse("1TB")).isEqualTo(1L << 40);
        assertThatThrownBy(() -> Sizes.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("12 parsecs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("99999999999999999TiB")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Sizes.human(1536)).isEqualTo("1.5 KiB");
        assertThat(Sizes.human(100)).isEqualTo("100 B");
    }

    @Test
    void theClusterKeyIsMadeOnceWithModeSixHundredAndReused() throws IOException {
        Path file = dir.resolve("data").resolve("cluster.key");
        String key = ClusterKeys.readOrCreate(file);
        assertThat(key).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(ClusterKeys.readOrCreate(file)).isEqualTo(key);
        Files.writeString(file, "short");
        assertThatThrownBy(() -> ClusterKeys.read(file)).isInstanceOf(IOException.class);
    }
}
