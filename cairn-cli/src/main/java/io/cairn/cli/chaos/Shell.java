package io.cairn.cli.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (ip, tc, kill) with a time bound; answers its exit code and output. */
final class Shell {
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Shell() {}

    static Result run(int timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": timed out after " + timeoutSeconds + " s");
            }
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
