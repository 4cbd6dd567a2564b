package io.cairn.cli.chaos;

import io.cairn.client.CairnClient;
import io.cairn.client.ProgressListener;
import io.cairn.core.Address;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The mixed workload of a chaos run: files through the quorum-writing client, names (put,
 * overwrite, delete), API Drive store and retrieve, reads of earlier writes, and deliberately
 * wrong puts (body not matching the address: 422, must never appear). Every operation lands in
 * the {@link History} with what it was told. Content is random per operation, so every value is
 * distinct and identified by its SHA-256. Bounded: stops at the deadline or at the history's limit.
 */
final class Workload {
    static final int NAMES = 24;
    static final long PAUSE_MS = 60;

    private final NodeProcesses nodes;
    private final Http http;
    private final String clusterKey;
    private final History history;
    private final LongSupplier nowMs;

    Workload(NodeProcesses nodes, Http http, String clusterKey, History history, LongSupplier nowMs) {
        this.nodes = nodes;
        this.http = http;
        this.clusterKey = clusterKey;
        this.history = history;
        this.nowMs = nowMs;
    }

    /** One worker: runs operations chosen by {@code seed} until {@code deadlineMs} (run time). */
    void run(long seed, long deadlineMs) {
        SplittableRandom random = new SplittableRandom(seed);
        while (nowMs.getAsLong() < deadlineMs && !Thread.currentThread().isInterrupted()) {
            int node = random.nextInt(nodes.size());
            int dice = random.nextInt(100);
            boolean recorded;
            if (dice < 20) {
                recorded = putFile(random, node);
            } else if (dice < 45) {
                recorded = putName(random, node);
            } else if (dice < 52) {
                recorded = deleteName(random, node);
            } else if (dice < 67) {
                recorded = driveStore(random, node);
            } else if (dice < 72) {
                recorded = badPut(random, node);
            } else {
                recorded = read(random, node);
            }
            if (!recorded) {
                return; // history full
            }
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean putFile(SplittableRandom random, int node) {
        byte[] content = bytes(random, random.nextInt(4) == 0 ? 1 + random.nextInt(3 << 20) : 1 + random.nextInt(200_000));
        long start = nowMs.getAsLong();
        try (CairnClient client = CairnClient.builder().node(nodes.url(node)).clusterKey(clusterKey)
                .callTimeout(Duration.ofSeconds(10)).build()) {
            Address a = client.put(new ByteArrayInputStream(content), content.length, ProgressListener.NONE);
            return record(History.Type.FILE_PUT, a.hex(), sha(content), content.length, node, start, History.Outcome.OK, "");
        } catch (Exception e) {
            return record(History.Type.FILE_PUT, null, sha(content), content.length, node, start,
                    History.Outcome.INDETERMINATE, String.valueOf(e.getMessage()));
        }
    }

    private boolean putName(SplittableRandom random, int node) {
        String name = "chaos/n" + random.nextInt(NAMES);
        byte[] content = bytes(random, 1 + random.nextInt(100_000));
        long start = nowMs.getAsLong();
        Http.Reply r = http.send("PUT", nameUri(node, name), content, "application/octet-stream", false);
        return record(History.Type.NAME_PUT, name, sha(content), content.length, node, start, History.outcomeOf(r.status()),
                detail(r));
    }

    private boolean deleteName(SplittableRandom random, int node) {
        String name = "chaos/n" + random.nextInt(NAMES);
        long start = nowMs.getAsLong();
        Http.Reply r = http.send("DELETE", nameUri(node, name), null, null, false);
        // 404 = the name did not resolve there: changes nothing, like any 4xx
        return record(History.Type.NAME_DELETE, name, null, 0, node, start, History.outcomeOf(r.status()), detail(r));
    }

    private boolean driveStore(SplittableRandom random, int node) {
        byte[] data = bytes(random, 1 + random.nextInt(64 * 1024));
        long start = nowMs.getAsLong();
        Http.Reply r = http.send("POST", nodes.url(node).resolve("/api/drive/store"), bson("Data", data), "application/bson", false);
        return record(History.Type.DRIVE_STORE, sha(data), sha(data), data.length, node, start, History.outcomeOf(r.status()),
                detail(r));
    }

    private boolean badPut(SplittableRandom random, int node) {
        byte[] claimed = bytes(random, 64);
        byte[] sent = bytes(random, 64);
        long start = nowMs.getAsLong();
        Http.Reply r = http.send("PUT", nodes.url(node).resolve("/blocks/" + sha(claimed)), sent, "application/octet-stream", false);
        return record(History.Type.BAD_PUT, sha(claimed), sha(sent), sent.length, node, start, History.outcomeOf(r.status()),
                detail(r));
    }

    /** Reads something acknowledged earlier; bytes that do not match are an anomaly even mid-fault. */
    private boolean read(SplittableRandom random, int node) {
        var acked = history.ops().stream().filter(o -> o.outcome() == History.Outcome.OK
                && (o.type() == History.Type.FILE_PUT || o.type() == History.Type.DRIVE_STORE)).toList();
        if (acked.isEmpty()) {
            return true;
        }
        History.Op target = acked.get(random.nextInt(acked.size()));
        long start = nowMs.getAsLong();
        Http.Reply r = target.type() == History.Type.FILE_PUT
                ? http.get(nodes.url(node).resolve("/files/" + target.key()))
                : http.send("POST", nodes.url(node).resolve("/api/drive/retrieve"), bsonId(target.key()), "application/bson", false);
        byte[] got = r.ok() && target.type() == History.Type.DRIVE_STORE ? bsonData(r.body()) : r.body();
        String detail = !r.ok() ? detail(r) : target.value().equals(sha(got)) ? "" : "WRONG BYTES " + sha(got);
        return record(target.type() == History.Type.FILE_PUT ? History.Type.FILE_GET : History.Type.DRIVE_GET, target.key(),
                target.value(), got.length, node, start, r.ok() ? History.Outcome.OK : History.Outcome.INDETERMINATE, detail);
    }

    private boolean record(History.Type type, String key, String value, long size, int node, long start,
                           History.Outcome outcome, String detail) {
        return history.add(new History.Op(history.nextId(), type, key, value, size, node, start, nowMs.getAsLong(),
                outcome, detail));
    }

    private URI nameUri(int node, String name) {
        return nodes.url(node).resolve("/names/" + name);
    }

    private static String detail(Http.Reply r) {
        return r.status() == -1 ? r.error() : Integer.toString(r.status());
    }

    static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    static String sha(byte[] b) {
        return HexFormat.of().formatHex(Address.of(b).toBytes());
    }

    /** BSON {@code {<field>: <binary subtype 0>}} (API Drive store body). */
    static byte[] bson(String field, byte[] data) {
        byte[] name = field.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + name.length + 1 + 4 + 1 + data.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).put((byte) 0x05).put(name).put((byte) 0).putInt(data.length).put((byte) 0).put(data).put((byte) 0);
        return b.array();
    }

    /** BSON {@code {"Id": "<hex>"}} (API Drive retrieve body). */
    static byte[] bsonId(String hex) {
        byte[] value = hex.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 3 + 4 + value.length + 1 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).put((byte) 0x02).put("Id".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                .putInt(value.length + 1).put(value).put((byte) 0).put((byte) 0);
        out.writeBytes(b.array());
        return out.toByteArray();
    }

    /** The bytes of the binary field "Data" of a BSON document, or empty when there is none. */
    static byte[] bsonData(byte[] doc) {
        ByteBuffer b = ByteBuffer.wrap(doc).order(ByteOrder.LITTLE_ENDIAN);
        if (doc.length < 5) {
            return new byte[0];
        }
        b.position(4);
        while (b.remaining() > 1) {
            byte type = b.get();
            StringBuilder name = new StringBuilder();
            for (byte c = b.get(); c != 0; c = b.get()) {
                name.append((char) c);
            }
            switch (type) {
                case 0x02 -> {
                    int length = b.getInt(); // read before position(): Java evaluates left to right
                    b.position(b.position() + length);
                }
                case 0x05 -> {
                    int n = b.getInt();
                    b.get(); // subtype
                    if (name.toString().equals("Data")) {
                        byte[] out = new byte[n];
                        b.get(out);
                        return out;
                    }
                    b.position(b.position() + n);
                }
                default -> {
                    return new byte[0];
                }
            }
        }
        return new byte[0];
    }
}
