package io.cairn.node.contracts;

import io.cairn.core.Clock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's own availability: the share of the measuring window it was running (SPEC §3.6,
 * "measured uptime"). Kept in {@code <data>/uptime} as one line {@code <sinceEpochMs> <upMs>
 * <lastBeatEpochMs>}, rewritten (temp file, atomic rename) on each {@link #beat}.
 *
 * <p>How: while running, the time between beats counts as up; the gap between the last beat of
 * a previous run and this start counts as down. Availability is {@code upMs / (now - since)}.
 * When {@code now - since} exceeds the window, both are scaled down to the window (the older
 * past weighs less, like an exponential average), so the figure follows recent behaviour.
 * A crash loses at most one beat interval of up time, understating availability slightly; the
 * file is not fsync'd for that reason. A fresh node reports 100 %.
 */
final class UptimeMeter {
    private static final Logger log = LoggerFactory.getLogger(UptimeMeter.class);
    static final String FILE = "uptime";

    private final Path file;
    private final Clock clock;
    private final long windowMs;
    private long sinceMs;
    private long upMs;
    private long lastBeatMs;

    UptimeMeter(Path dataDir, Clock clock, Duration window) {
        this.file = dataDir.resolve(FILE);
        this.clock = clock;
        this.windowMs = window.toMillis();
        long now = clock.now().toEpochMilli();
        sinceMs = now;
        lastBeatMs = now;
        try {
            if (Files.exists(file)) {
                String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
                long since = Long.parseLong(parts[0]);
                long up = Long.parseLong(parts[1]);
                if (since <= now && up >= 0 && up <= now - since) {
                    sinceMs = since;
                    upMs = up;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("uptime record {} unreadable ({}); measuring afresh", file, e.toString());
        }
    }

    /** Counts the time since the last beat as up and saves the record. */
    synchronized void beat() {
        long now = clock.now().toEpochMilli();
        upMs += Math.max(0, now - lastBeatMs);
        lastBeatMs = now;
        long span = now - sinceMs;
        if (span > windowMs) {
            upMs = (long) (upMs * ((double) windowMs / span));
            sinceMs = now - windowMs;
        }
        save(now);
    }

    /** Up time over the window so far, 0..100. */
    synchronized double availabilityPct() {
        long now = clock.now().toEpochMilli();
        long span = now - sinceMs;
        if (span <= 0) {
            return 100;
        }
        long up = upMs + Math.max(0, now - lastBeatMs);
        return Math.min(100, 100.0 * up / span);
    }

    private void save(long now) {
        try {
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, sinceMs + " " + upMs + " " + now + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("cannot save uptime record {}: {}", file, e.toString());
        }
    }
}
