package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.node.hummel.HummelSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `cairn node` repository flags: what they make, and what they refuse before anything starts. */
class HummelFlagsTest {
    @TempDir
    Path tmp;

    NodeCommand parse(String... args) {
        NodeCommand cmd = new NodeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void masterAndSlaveSettingsFromFlags() throws Exception {
        Path w = Files.writeString(tmp.resolve("w"), "write-token-0123456789\n");
        Path s = Files.writeString(tmp.resolve("s"), "slave-token-0123456789\n");
        HummelSettings m = parse("--port", "0", "--data", tmp.toString(), "--open", "--repository", tmp.toString(),
                "--write-token-file", w.toString(), "--slave-token-file", s.toString()).hummel();
        assertThat(m.master()).isTrue();
        assertThat(m.writeToken()).isEqualTo("write-token-0123456789");
        HummelSettings sl = parse("--port", "0", "--data", tmp.toString(), "--open", "--slave-of", "http://127.0.0.1:7070",
                "--slave-token-file", s.toString(), "--quota", "1GiB").hummel();
        assertThat(sl.slave()).isTrue();
        assertThat(sl.quotaBytes()).isEqualTo(1L << 30);
    }

    @Test
    void incompleteOrContradictoryFlagsAreUsageErrors() throws Exception {
        Path s = Files.writeString(tmp.resolve("s"), "slave-token-0123456789\n");
        String d = tmp.resolve("d").toString();
        Cli noTokens = Cli.run("node", "--port", "0", "--data", d, "--open", "--repository", tmp.toString());
        assertThat(noTokens.exit()).as("%s", noTokens).isEqualTo(Main.EXIT_USAGE);
        assertThat(noTokens.stderr()).contains("--write-token-file");
        Cli both = Cli.run("node", "--port", "0", "--data", d, "--open", "--repository", tmp.toString(),
                "--slave-of", "http://127.0.0.1:1", "--slave-token-file", s.toString());
        assertThat(both.exit()).isEqualTo(Main.EXIT_USAGE);
        Cli slaveNoToken = Cli.run("node", "--port", "0", "--data", d, "--open", "--slave-of", "http://127.0.0.1:1");
        assertThat(slaveNoToken.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(slaveNoToken.stderr()).contains("--slave-token-file");
    }
}
