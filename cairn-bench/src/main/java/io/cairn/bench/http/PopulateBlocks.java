package io.cairn.bench.http;

import io.cairn.core.Address;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prepares the GET comparison of bench/get-vs-nginx.sh: makes {@code count} seeded random blocks
 * of {@code size} bytes, PUTs each to a cairn node, writes the same bytes as plain files named by
 * address for nginx, and writes the list of request paths for wrk. Loopback only.
 *
 * <p>Usage: {@code PopulateBlocks NODE_URL COUNT SIZE FILES_DIR PATHS_FILE [SEED]}
 */
public final class PopulateBlocks {
    private PopulateBlocks() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 5) {
            System.err.println("usage: PopulateBlocks NODE_URL COUNT SIZE FILES_DIR PATHS_FILE [SEED]");
            System.exit(2);
        }
        URI node = URI.create(args[0]);
        if (!"127.0.0.1".equals(node.getHost()) && !"localhost".equals(node.getHost())) {
            throw new IllegalArgumentException("benchmarks send traffic to loopback only");
        }
        int count = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        Path filesDir = Files.createDirectories(Path.of(args[3]));
        Path pathsFile = Path.of(args[4]);
        long seed = args.length > 5 ? Long.parseLong(args[5]) : 42L;
        SplittableRandom random = new SplittableRandom(seed);
        List<String> paths = new ArrayList<>(count);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            byte[] block = new byte[size];
            for (int i = 0; i < count; i++) {
                random.nextBytes(block);
                Address address = Address.of(block);
                HttpResponse<Void> reply = http.send(HttpRequest.newBuilder(node.resolve("/blocks/" + address.hex()))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(block)).build(), HttpResponse.BodyHandlers.discarding());
                if (reply.statusCode() != 201 && reply.statusCode() != 200) {
                    throw new IOException("PUT " + address + " answered " + reply.statusCode());
                }
                Files.write(filesDir.resolve(address.hex()), block);
                paths.add("/blocks/" + address.hex());
            }
        }
        Files.write(pathsFile, paths);
        System.out.println("stored " + count + " blocks of " + size + " bytes (seed " + seed + ")");
    }
}
