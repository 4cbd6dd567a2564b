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
 * ({@link NameCommands}). {@code cairn get --apidrive-manifest IN.json [-o OUT]} downloads the file
 * of an API Drive seed manifest instead (issue #5).
 */
@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Fetch a file by its name or address, verified.")
final class GetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|ADDRESS",
            description = "a name, or the file's address (64 hex characters); not with --apidrive-manifest")
    String address;

    @Option(names = "--apidrive-manifest", paramLabel = "IN.json",
            description = "download the file of an API Drive seed manifest from its URLs, verified;"
                    + " chunks whose URLs all fail are read through --node when it is given")
    Path apidriveManifest;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "256",
            description = "chunks in flight with --apidrive-manifest, 1..4096 (default: ${DEFAULT-VALUE});"
                    + " at most " + DriveManifestIo.CONNECTIONS_PER_SERVER + " connections per server")
    int parallel;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "where to write it; - or absent: standard output")
    String output;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        if (apidriveManifest != null) {
            return fromSeedManifest();
        }
        if (address == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a NAME or ADDRESS, or --apidrive-manifest IN.json");
        }
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

    private int fromSeedManifest() throws Exception {
        if (address != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a NAME or ADDRESS, or --apidrive-manifest, not both");
        }
        if (parallel < 1 || parallel > 4096) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallel must be 1..4096");
        }
        var manifest = DriveManifestIo.read(apidriveManifest);
        boolean nodeGiven = spec.commandLine().getParseResult().hasMatchedOption("--node")
                || System.getenv("CAIRN_NODE") != null;
        Path target = output == null || output.equals("-") ? null : Path.of(output);
        try (CairnClient c = nodeGiven ? client.clientBuilder().build() : null;
             Progress progress = new Progress("get", main.terminal, main.stderr)) {
            DriveManifestIo.download(manifest, target, main.stdout, c, parallel, progress);
        }
        return Main.EXIT_OK;
    }
}
