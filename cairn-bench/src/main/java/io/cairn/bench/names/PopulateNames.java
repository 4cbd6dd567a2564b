package io.cairn.bench.names;

import io.cairn.core.Address;
import io.cairn.core.NodeId;
import io.cairn.core.names.HlcTime;
import io.cairn.core.names.Name;
import io.cairn.core.names.NameEntry;
import io.cairn.core.names.Version;
import io.cairn.node.directory.NameRecord;
import io.cairn.node.directory.NameRecordCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a node's directory with many records fast, for the listing benchmark: records are sent in
 * batches straight to {@code POST /internal/names/records} of every given node (an open cluster,
 * or pass the key in CAIRN_KEY). Names are {@code n/<9 digits>}; every record points at one dummy
 * address (listing never reads blobs).
 *
 * <pre>PopulateNames COUNT NODE_URL [NODE_URL...]</pre>
 */
public final class PopulateNames {
    private PopulateNames() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        String key = System.getenv("CAIRN_KEY");
        HttpClient http = HttpClient.newHttpClient();
        NodeId writer = NodeId.random();
        Address dummy = Address.of(new byte[] {1});
        long t0 = System.nanoTime();
        int batch = 10_000;
        for (int from = 0; from < count; from += batch) {
            List<NameRecord> records = new ArrayList<>(batch);
            Instant now = Instant.now();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                Name name = Name.of(String.format("n/%09d", i));
                records.add(NameRecord.of(NameEntry.live(name, dummy, 1, new Version(new HlcTime(now.toEpochMilli(), 0), writer), now)));
            }
            byte[] body = NameRecordCodec.encodeBatch(records);
            for (int n = 1; n < args.length; n++) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(args[n] + "/internal/names/records"))
                        .header("Content-Type", NameRecordCodec.BATCH_CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                if (key != null) {
                    b.header("Authorization", "Bearer " + key);
                }
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(args[n] + " answered " + r.statusCode() + ": " + new String(r.body()));
                }
            }
        }
        System.out.printf("%d records to %d node(s) in %.1f s%n", count, args.length - 1, (System.nanoTime() - t0) / 1e9);
    }
}
