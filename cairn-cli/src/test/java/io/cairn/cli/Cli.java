package io.cairn.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the cairn command in this JVM with captured streams. */
record Cli(int exit, byte[] stdoutBytes, String stderr) {
    static Cli run(String... args) {
        return runWithInput(new byte[0], args);
    }

    static Cli runWithInput(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new ByteArrayInputStream(stdin), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Cli(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nstdout: " + (stdoutBytes.length > 2000 ? stdoutBytes.length + " bytes" : stdout())
                + "\nstderr: " + stderr;
    }
}
