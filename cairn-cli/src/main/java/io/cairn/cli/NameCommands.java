package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.NameClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The directory's commands (SPEC §4): {@code put FILE --name NAME}, {@code get NAME},
 * {@code ls [PREFIX]}, {@code rm NAME}. Names go through {@link NameClient}: a put to the node
 * with the most free space per load, reads from {@code --node} following redirects.
 */
final class NameCommands {
    /** Names per {@code GET /names} page while listing. */
    static final int PAGE = 1000;

    private NameCommands() {}

    /** {@code put FILE --name NAME}: prints the file's address, as a plain put does. */
    static int put(Main main, CommandLine.Model.CommandSpec spec, ClientOptions client, String name, String file)
            throws Exception {
        if (file.equals("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--name needs a file, not standard input");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(file);
        }
        try (CairnClient c = client.clientBuilder().build()) {
            NameClient.Entry e = c.names().put(name, path);
            main.out().println(e.address().hex());
        }
        return Main.EXIT_OK;
    }

    /** {@code get NAME [-o OUT]}. */
    static int get(Main main, ClientOptions client, String name, String output) throws Exception {
        try (CairnClient c = client.clientBuilder().build()) {
            if (output == null || output.equals("-")) {
                c.names().get(name, main.stdout);
            } else {
                Path target = Path.of(output);
                if (Files.isDirectory(target)) {
                    throw new java.io.IOException(output + " is a directory; name the file to write");
                }
                c.names().get(name, target);
            }
        }
        return Main.EXIT_OK;
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "List names (in name order, across the cluster), one per line: size, address, name.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", description = "only names starting with PREFIX")
        String prefix;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (CairnClient c = client.clientBuilder().build()) {
                String after = null;
                do {
                    NameClient.Page page = c.names().list(prefix, after, PAGE);
                    for (NameClient.Entry e : page.entries()) {
                        main.out().printf("%12d  %s  %s%n", e.size(), e.address().hex(), e.name());
                    }
                    after = page.next();
                } while (after != null);
                main.out().flush();
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Remove a name; its blocks are no longer renewed and expire with their leases.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "NAME", description = "the name to remove")
        String name;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (CairnClient c = client.clientBuilder().build()) {
                c.names().delete(name);
            }
            return Main.EXIT_OK;
        }
    }
}
