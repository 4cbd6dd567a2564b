package io.cairn.cli;

import io.cairn.core.CairnException;
import io.cairn.core.contracts.ContractCriteria;
import io.cairn.core.contracts.ContractTopic;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cairn topic}: the contract topic for some criteria (SPEC §3.6), computed locally by
 * {@link ContractTopic#of}, the function behind {@code POST /contracts} and
 * {@code GET /contracts/topic}. Invalid values are a usage error (exit 2).
 */
@Command(name = "topic", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Print the contract topic (hex) for size, duration, availability and speed.")
final class TopicCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--size-mb", required = true, paramLabel = "MB", description = "data size in MB (10^6 bytes)")
    String sizeMb;

    @Option(names = "--duration-days", required = true, paramLabel = "DAYS", description = "how long the data is held")
    String durationDays;

    @Option(names = "--availability", required = true, paramLabel = "PCT", description = "required availability, 0..100 %%")
    String availability;

    @Option(names = "--speed-mbps", required = true, paramLabel = "MBPS", description = "required speed, Mbit/s")
    String speedMbps;

    @Override
    public Integer call() {
        main.out().println(ContractTopic.of(criteria(spec, sizeMb, durationDays, availability, speedMbps)).hex());
        main.out().flush();
        return Main.EXIT_OK;
    }

    /** The criteria, or a usage error naming the bad value. */
    static ContractCriteria criteria(CommandLine.Model.CommandSpec spec, String size, String days, String availability,
                                     String speed) {
        try {
            return ContractCriteria.parse(size, days, availability, speed);
        } catch (CairnException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
