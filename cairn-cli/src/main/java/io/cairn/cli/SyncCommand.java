package io.cairn.cli;

import io.cairn.client.hummel.HummelHttp;
import io.cairn.client.sync.SyncClient;
import io.cairn.client.sync.SyncReport;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn sync --master URL [--path SUBTREE] --to DIR [--delete] [-z]} (SPEC §3.5, issue #6):
 * makes DIR hold the repository subtree, one way, verified, never writing outside DIR. Prints a
 * one-line summary; refused entries and failed files are listed on stderr and make the exit 1.
 */
@Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Sync a repository (or a subtree of it) from its master into a directory.")
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--master", required = true, paramLabel = "URL", description = "the repository's master")
    URI master;

    @Option(names = "--path", paramLabel = "SUBTREE", description = "only this subtree (default: everything)")
    String path;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "the directory to sync into")
    Path to;

    @Option(names = "--delete", description = "delete files under the subtree that the index no longer has")
    boolean delete;

    @Option(names = {"-z", "--compress"},
            description = "fetch only compressed archives, never the slaves' content copies (for slow links)")
    boolean compress;

    @Option(names = "--jobs", defaultValue = "" + SyncClient.DEFAULT_JOBS, paramLabel = "N",
            description = "files fetched at once (default: ${DEFAULT-VALUE})")
    int jobs;

    @Override
    public Integer call() throws Exception {
        if (jobs < 1 || jobs > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be 1..256");
        }
        URI masterUrl = io.cairn.core.NodeInfoCodec.url(master.toString());
        SyncReport r;
        try (HummelHttp http = new HummelHttp(); Progress progress = new Progress("sync", main.terminal, main.stderr)) {
            r = new SyncClient(http).sync(SyncClient.Options.of(masterUrl, path, to, delete).withJobs(jobs)
                    .withProgress(progress).withContent(!compress));
        }
        PrintWriter out = main.out();
        out.printf("index version %d: %d files; %d unchanged, %d fetched, %d copied locally, %d chmod, %d deleted; "
                        + "%s of content, %s transferred, %d fail-overs, %.2f s%n",
                r.indexVersion(), r.filesInIndex(), r.unchanged(), r.fetched(), r.copiedLocally(), r.chmodded(),
                r.deleted(), bytes(r.contentBytes()), bytes(r.archiveBytes()), r.failovers(), r.elapsedMs() / 1000.0);
        out.flush();
        for (String s : r.refused()) {
            main.stderr.println("cairn: refused " + s);
        }
        for (String s : r.failed()) {
            main.stderr.println("cairn: failed " + s);
        }
        if (!r.ok()) {
            main.stderr.println("cairn: sync incomplete: " + r.refused().size() + " entries refused, " + r.failed().size()
                    + " files failed");
            return Main.EXIT_FAILED;
        }
        return Main.EXIT_OK;
    }

    private static String bytes(long b) {
        return b < 1024 * 1024 ? b + " B" : String.format(java.util.Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
}
