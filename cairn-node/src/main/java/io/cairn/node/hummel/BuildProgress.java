package io.cairn.node.hummel;

import io.cairn.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One build as {@code GET /build/{id}} shows it. Written by the build's threads, read by requests:
 * counters are atomic, lists are guarded by this object, state is volatile.
 *
 * <p>Totals: {@code filesTotal} counts every regular file the scan found, {@code filesDone} those
 * settled (reused from the previous index, read, or given up on); {@code bytesTotal} counts the
 * bytes that must be read (new or changed files) and {@code bytesDone} those read so far.
 * {@code errors} and {@code skipped} keep the first {@link #MAX_LISTED} of each, with a total.
 */
final class BuildProgress {
    static final int MAX_LISTED = 1000;

    enum State { RUNNING, DONE, FAILED }

    /** A path and what happened to it. */
    record Note(String path, String reason) {}

    final String id;
    final long startedAtMs;
    volatile State state = State.RUNNING;
    volatile long finishedAtMs;
    volatile long version = -1;
    volatile String failure;
    volatile long filesTotal;
    volatile long bytesTotal;
    final AtomicLong filesDone = new AtomicLong();
    final AtomicLong filesReused = new AtomicLong();
    final AtomicLong filesRead = new AtomicLong();
    final AtomicLong archivesStored = new AtomicLong();
    final AtomicLong bytesDone = new AtomicLong();
    private final List<Note> errors = new ArrayList<>();
    private final List<Note> skipped = new ArrayList<>();
    private long errorCount;
    private long skippedCount;

    BuildProgress(String id, long startedAtMs) {
        this.id = id;
        this.startedAtMs = startedAtMs;
    }

    synchronized void error(String path, String reason) {
        errorCount++;
        if (errors.size() < MAX_LISTED) {
            errors.add(new Note(path, reason));
        }
    }

    synchronized void skip(String path, String reason) {
        skippedCount++;
        if (skipped.size() < MAX_LISTED) {
            skipped.add(new Note(path, reason));
        }
    }

    synchronized List<Note> errors() {
        return List.copyOf(errors);
    }

    synchronized List<Note> skipped() {
        return List.copyOf(skipped);
    }

    synchronized ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("build", id);
        o.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        o.put("filesDone", filesDone.get());
        o.put("filesTotal", filesTotal);
        o.put("bytesDone", bytesDone.get());
        o.put("bytesTotal", bytesTotal);
        o.put("filesReused", filesReused.get());
        o.put("filesRead", filesRead.get());
        o.put("archivesStored", archivesStored.get());
        o.put("startedAtMs", startedAtMs);
        if (finishedAtMs > 0) {
            o.put("finishedAtMs", finishedAtMs);
        }
        if (version >= 0) {
            o.put("version", version);
        }
        if (failure != null) {
            o.put("failure", failure);
        }
        o.put("errorCount", errorCount);
        o.set("errors", notes(errors));
        o.put("skippedCount", skippedCount);
        o.set("skipped", notes(skipped));
        return o;
    }

    private static ArrayNode notes(List<Note> notes) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Note n : notes) {
            a.addObject().put("path", n.path()).put("reason", n.reason());
        }
        return a;
    }
}
