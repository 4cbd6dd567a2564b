package io.cairn.cli;

import io.cairn.client.ProgressListener;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for transfers that last: it appears only on a terminal and only once
 * a second has passed, so quick commands and piped output stay quiet. Thread-safe.
 */
final class Progress implements ProgressListener, AutoCloseable {
    static final long SHOW_AFTER_NANOS = 1_000_000_000L;

    private final String task;
    private final boolean enabled;
    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private ProgressBar bar;
    private long max;
    private boolean closed;

    Progress(String task, boolean enabled, PrintStream err) {
        this.task = task;
        this.enabled = enabled;
        this.err = err;
    }

    /** True when stdin/stdout/stderr belong to an interactive terminal. */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public synchronized void progress(long doneBytes, long totalBytes) {
        if (!enabled || closed) {
            return;
        }
        if (bar == null) {
            if (System.nanoTime() - startNanos < SHOW_AFTER_NANOS) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(Math.max(totalBytes, -1))
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit("MiB", 1024 * 1024)
                    .setConsumer(new ConsoleProgressBarConsumer(err))
                    .setUpdateIntervalMillis(200)
                    .showSpeed()
                    .build();
            max = totalBytes;
        }
        if (totalBytes != max && totalBytes > 0) {
            bar.maxHint(totalBytes);
            max = totalBytes;
        }
        if (doneBytes > bar.getCurrent()) {
            bar.stepTo(doneBytes);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (bar != null) {
            bar.close();
        }
    }
}
