package io.cairn.node.hummel;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.hummel.IndexCodec;
import io.cairn.core.hummel.IndexEntry;
import io.cairn.core.hummel.RepoIndex;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The master's durable state: the index being served and, for each content hash, the cluster
 * address of its archive. One file, {@code <data>/hummel/master.json}, format 1:
 *
 * <pre>
 * {"format": 1,
 *  "index": {"version": 7, "files": [...]},      // exactly IndexCodec's form
 *  "archives": {"&lt;content hash&gt;": "&lt;file address of [hash].gz&gt;", ...}}
 * </pre>
 *
 * Written whole on every successful build: temp file, write, fsync, atomic rename over the old
 * one, fsync of the directory — so after a crash the file is the old state or the new one, never
 * a mix. A file that does not parse stops the start (rather than silently serving an empty
 * repository and letting clients with {@code --delete} wipe their copies); it is kept for a human.
 */
final class MasterStore {
    static final String DIR = "hummel";
    static final String FILE = "master.json";
    static final int FORMAT = 1;

    /** What the master serves: an index and where each archive is. */
    record State(RepoIndex index, Map<String, Address> archives) {
        static final State EMPTY = new State(RepoIndex.EMPTY, Map.of());

        State {
            archives = Map.copyOf(archives);
        }
    }

    private final Path dir;

    MasterStore(Path dataDir) {
        this.dir = dataDir.resolve(DIR);
    }

    Path dir() {
        return dir;
    }

    State load() throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return State.EMPTY;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (root.path("format").asInt() != FORMAT) {
                throw new IOException("unknown format");
            }
            IndexCodec.Decoded d = IndexCodec.decode(Json.MAPPER.writeValueAsBytes(root.get("index")));
            if (!d.refused().isEmpty()) {
                throw new IOException("bad entries: " + d.refused());
            }
            Map<String, Address> archives = new HashMap<>();
            for (Map.Entry<String, JsonNode> e : root.get("archives").properties()) {
                archives.put(e.getKey(), Address.parse(e.getValue().asString()));
            }
            for (IndexEntry f : d.files()) {
                if (!archives.containsKey(f.hash())) {
                    throw new IOException("no archive for " + f.hash());
                }
            }
            return new State(new RepoIndex(d.version(), d.files()), archives);
        } catch (RuntimeException | IOException e) {
            throw new CairnException(ErrorCode.INTERNAL, "the repository state " + file + " is damaged (" + e.getMessage()
                    + "); move it away to start with an empty repository");
        }
    }

    void save(State state) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.set("index", Json.MAPPER.readTree(IndexCodec.encode(state.index())));
        ObjectNode archives = root.putObject("archives");
        state.archives().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> archives.put(e.getKey(), e.getValue().hex()));
        byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true); // the bytes are on disk before the name points at them
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a crash
        }
    }
}
