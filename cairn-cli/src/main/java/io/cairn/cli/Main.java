package io.cairn.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.cairn.core.CairnException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code cairn} command (SPEC §4). Exit codes: 0 success, 1 the command failed (one line on
 * stderr: {@code cairn: <message>}, with the stack trace only under {@code --verbose}), 2 the
 * command line was wrong (picocli's usage error).
 */
@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A content-addressed, self-healing distributed blob store.",
        synopsisSubcommandLabel = "COMMAND")
public final class Main implements Runnable {
    /** The subcommands, in the order usage lists them (added by {@link #commandLine}). */
    static final List<Class<?>> COMMANDS = List.of(UpCommand.class, NodeCommand.class, PutCommand.class, GetCommand.class,
            NameCommands.Ls.class, NameCommands.Rm.class,
            NodesCommand.class, StatusCommand.class, SpaceCommand.class, DemoCommand.class, TopicCommand.class,
            ContractCommand.class, BenchCommand.class, SyncCommand.class, io.cairn.cli.chaos.ChaosCommand.class,
            CommandLine.HelpCommand.class);

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "log more and print stack traces on failure")
    boolean verbose;

    /** Binary standard output (file contents); text goes through picocli's writers. */
    OutputStream stdout;
    InputStream stdin;
    PrintStream stderr;
    boolean terminal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = EXIT_FAILED;
        try {
            OutputStream out = new FileOutputStream(FileDescriptor.out);
            code = run(args, System.in, out, System.err, Progress.onTerminal());
        } catch (Throwable t) {
            // Whatever escaped (an Error, a jar replaced under the running JVM): say so and exit.
            // Without this the JVM outlived main, held open by the HTTP client's threads, and the
            // command hung instead of failing (seen once while the jar was rebuilt mid-put).
            System.err.println("cairn: " + t);
        } finally {
            System.exit(code);
        }
    }

    /** Runs one command line with the given streams; returns the exit code. Used by tests. */
    public static int run(String[] args, InputStream in, OutputStream out, PrintStream err, boolean terminal) {
        Main main = new Main();
        main.stdout = out;
        main.stdin = in;
        main.stderr = err;
        main.terminal = terminal;
        CommandLine cl = commandLine(main, args);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setExecutionStrategy(parseResult -> {
            main.configureLogging();
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CommandLine.ParameterException pe) {
                throw pe;
            }
            commandLine.getErr().println("cairn: " + oneLine(ex));
            if (main.verbose) {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return EXIT_FAILED;
        });
        int code = cl.execute(args);
        try {
            out.flush();
        } catch (IOException ignored) {
            // stdout closed by the reader: nothing more to say
        }
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line for {@code args}. Picocli's model of all sixteen subcommands took ~0.1 s
     * of every command's start (reflection over their options); when the first argument that is
     * not an option names a subcommand other than {@code help}, only that one is built. Anything
     * else (no command, {@code help}, a typo) gets them all, so usage and suggestions are whole.
     */
    static CommandLine commandLine(Main main, String[] args) {
        CommandLine cl = new CommandLine(main);
        String first = null;
        for (String a : args) {
            if (!a.startsWith("-")) {
                first = a;
                break;
            }
        }
        Class<?> only = null;
        for (Class<?> c : COMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (c != CommandLine.HelpCommand.class && first != null
                    && (command.name().equals(first) || List.of(command.aliases()).contains(first))) {
                only = c;
            }
        }
        for (Class<?> c : only != null ? List.of(only) : COMMANDS) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    /** The message a person needs, on one line. */
    static String oneLine(Throwable ex) {
        Throwable e = ex;
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        String message;
        if (e instanceof NoSuchFileException nf) {
            message = "no such file: " + nf.getFile();
        } else if (e instanceof AccessDeniedException ad) {
            message = "permission denied: " + ad.getFile();
        } else if (e instanceof CairnException || e instanceof IOException) {
            message = e.getMessage();
        } else {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /**
     * logback.xml already sets {@code io.cairn} to INFO; only {@code --verbose} changes it. Left
     * alone, logback starts only when something logs, which a client command such as
     * {@code cairn sync} never does (~50 ms less to start).
     */
    private void configureLogging() {
        if (verbose) {
            setLogLevel("io.cairn", Level.DEBUG);
        }
    }

    /** Sets a logger's level when logback is the backend (it is in the jar); else does nothing. */
    static void setLogLevel(String logger, Level level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(logger).setLevel(level);
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The version from the jar (cairn-version.properties, filled in by the build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/cairn-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException ignored) {
                // fall through to "unknown"
            }
            return new String[] {"cairn " + p.getProperty("version", "unknown"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
        }
    }
}
