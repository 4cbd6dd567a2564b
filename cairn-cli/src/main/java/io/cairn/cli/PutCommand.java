package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.core.Address;
import io.cairn.core.Lease;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn put FILE [--name NAME]}: stores a file and prints its address, and only that, on
 * stdout. With {@code --name} the file is also bound to NAME in the directory ({@link NameCommands}).
 */
@Command(name = "put", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Store a file; prints its address.")
final class PutCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the file to store; - reads standard input")
    String file;

    @Mixin
    ClientOptions client;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "64KiB", converter = Sizes.class,
            description = "chunk size, 1KiB to 4MiB (default: ${DEFAULT-VALUE}); the same bytes and chunk"
                    + " size always give the same address")
    long chunkSize;

    @Option(names = "--name", paramLabel = "NAME", description = "also bind the file to this name in the directory")
    String name;

    @Option(names = "--lease", paramLabel = "SECONDS|never",
            description = "how long the blocks are kept unless renewed (default: 30 days)")
    String lease;

    @Option(names = "--lease-days", paramLabel = "DAYS",
            description = "like --lease, in whole days, 1 to 36500 (default: 30)")
    Integer leaseDays;

    @Option(names = "--apidrive-manifest", paramLabel = "OUT.json",
            description = "also write the API Drive seed manifest {\"<file name>\": [{Id, Order, URL1..3}]}"
                    + " whose URLs are the replicas' /api/drive/retrieve")
    Path apidriveManifest;

    @Override
    public Integer call() throws Exception {
        if (leaseDays != null) {
            if (lease != null || leaseDays < 1 || leaseDays > 36_500) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--lease-days must be 1..36500 and not given with --lease");
            }
            lease = Long.toString(leaseDays * 86_400L);
        }
        if (lease != null) {
            try {
                Lease.parseHeader(lease, java.time.Instant.now());
            } catch (io.cairn.core.CairnException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--lease: " + e.getMessage());
            }
        }
        int chunk;
        try {
            chunk = io.cairn.client.Chunker.checkChunkSize(chunkSize);
        } catch (io.cairn.core.CairnException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chunk-size: " + e.getMessage());
        }
        if (name != null) {
            if (apidriveManifest != null) { // a named put may store a small file as one block: no chunk list
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--apidrive-manifest cannot be combined with --name (put the file, then bind it)");
            }
            return NameCommands.put(main, spec, client, name, file);
        }
        try (CairnClient c = client.clientBuilder().chunkSize(chunk).lease(lease).build();
             Progress progress = new Progress("put", main.terminal, main.stderr)) {
            Address address;
            if (file.equals("-")) {
                address = c.put(main.stdin, -1, progress);
            } else {
                Path path = Path.of(file);
                if (Files.isDirectory(path)) {
                    throw new java.io.IOException(file + " is a directory (put stores one file)");
                }
                if (!Files.isRegularFile(path)) {
                    throw new NoSuchFileException(file);
                }
                address = c.put(path, progress);
            }
            progress.close();
            if (apidriveManifest != null) {
                String name = file.equals("-") ? "stdin" : Path.of(file).getFileName().toString();
                DriveManifestIo.write(c, address, name, apidriveManifest);
            }
            main.out().println(address.hex());
            return Main.EXIT_OK;
        }
    }
}
