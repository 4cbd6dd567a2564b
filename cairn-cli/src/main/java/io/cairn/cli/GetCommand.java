package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.core.Address;
import io.cairn.core.CairnException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn get NAME|ADDRESS [-o OUT]}: fetches a file (or a single block), verifies every chunk
 * and the whole file, and writes it to OUT atomically, or to standard output. An argument of 64
 * hex characters is an address; anything else is a name, resolved through the directory
 * ({@link NameCommands}).
 */
@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Fetch a file by its name or address, verified.")
final class GetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|ADDRESS", description = "a name, or the file's address (64 hex characters)")
    String address;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "where to write it; - or absent: standard output")
    String output;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        Address parsed;
        try {
            parsed = Address.parse(address.strip());
        } catch (CairnException notAnAddress) {
            try {
                io.cairn.client.NameClient.nameUri(client.node, io.cairn.core.names.Name.of(address));
            } catch (CairnException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + address
                        + "' is not an address, nor a usable name: " + e.getMessage());
            }
            return NameCommands.get(main, client, address, output);
        }
        boolean toStdout = output == null || output.equals("-");
        try (CairnClient c = client.clientBuilder().build();
             Progress progress = new Progress("get", main.terminal, main.stderr)) {
            if (toStdout) {
                c.get(parsed, main.stdout, progress);
            } else {
                Path target = Path.of(output);
                if (java.nio.file.Files.isDirectory(target)) {
                    throw new java.io.IOException(output + " is a directory; name the file to write");
                }
                c.get(parsed, target, progress);
            }
        }
        return Main.EXIT_OK;
    }
}
