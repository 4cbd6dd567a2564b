package io.cairn.core.apidrive;

import static io.cairn.core.apidrive.SeedManifest.bad;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.names.Name;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The bytes of a {@link SeedManifest}: JSON, UTF-8, one object with exactly one key, the file name.
 *
 * <pre>
 * {"&lt;file name&gt;":[{"Id":"&lt;64 hex&gt;","Order":0,"URL1":"http://…/api/drive/retrieve","URL2":"…","URL3":""}, …]}
 * </pre>
 *
 * <table>
 *   <caption>fields of each chunk</caption>
 *   <tr><th>field</th><th>written</th><th>read</th></tr>
 *   <tr><td>Id</td><td>64 lowercase hex</td><td>64 hex, either case; required</td></tr>
 *   <tr><td>Order</td><td>integer, 0 for the first chunk</td><td>integer; required; the Orders of a
 *       manifest must be exactly 0..n−1 or exactly 1..n (the seed's convention is not written
 *       down, so both are read; cairn writes 0-based, like its own manifest)</td></tr>
 *   <tr><td>URL1, URL2, URL3</td><td>always all three, best replica first; {@code ""} where there
 *       is no replica</td><td>optional; missing, {@code null} and {@code ""} mean none; otherwise
 *       an http(s) URL ({@link SeedManifest#checkUrl}); duplicates merged</td></tr>
 *   <tr><td>anything else</td><td>never</td><td>ignored, so that a seed adding a field (a size, a
 *       hash) does not break {@code cairn get}; Ids are verified on download anyway</td></tr>
 * </table>
 *
 * Writing is deterministic: no whitespace, chunks in Order, fields in the order above. Reading is
 * bounded ({@link #MAX_BYTES}, {@link #MAX_CHUNKS}; strings and nesting by {@link Json}) and strict
 * about everything else: malformed JSON, trailing tokens, duplicate keys, a root that is not an
 * object of exactly one key, a file name that is not a valid name, a chunk list that is not an
 * array of objects, bad Ids, Orders or URLs are a BAD_REQUEST; a larger body is TOO_LARGE.
 */
public final class SeedManifestCodec {
    /** About 100,000 chunks of ~300 bytes: a 6 GiB file at 64 KiB chunks. */
    public static final int MAX_BYTES = 32 * 1024 * 1024;
    public static final int MAX_CHUNKS = 1 << 20;
    private static final List<String> URL_FIELDS = List.of("URL1", "URL2", "URL3");

    private SeedManifestCodec() {}

    public static byte[] encode(SeedManifest manifest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + manifest.chunks().size() * 300);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayPropertyStart(manifest.fileName());
            for (SeedManifest.Chunk c : manifest.chunks()) {
                g.writeStartObject();
                g.writeStringProperty("Id", c.id().hex());
                g.writeNumberProperty("Order", c.order());
                for (int i = 0; i < URL_FIELDS.size(); i++) {
                    g.writeStringProperty(URL_FIELDS.get(i), i < c.urls().size() ? c.urls().get(i).toString() : "");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    public static SeedManifest decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "seed manifest of " + bytes.length + " bytes exceeds " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw bad("malformed JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || root.size() != 1) {
            throw bad("must be a JSON object with exactly one key, the file name");
        }
        Map.Entry<String, JsonNode> only = root.properties().iterator().next();
        String fileName = only.getKey();
        try {
            Name.of(fileName);
        } catch (CairnException e) {
            throw bad("file name: " + e.getMessage());
        }
        JsonNode array = only.getValue();
        if (!array.isArray()) {
            throw bad("the value of the file name must be an array of chunks");
        }
        if (array.size() > MAX_CHUNKS) {
            throw new CairnException(ErrorCode.TOO_LARGE, "seed manifest has more than " + MAX_CHUNKS + " chunks");
        }
        List<SeedManifest.Chunk> read = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            read.add(chunk(array.get(i), i));
        }
        return new SeedManifest(fileName, renumber(read));
    }

    private static SeedManifest.Chunk chunk(JsonNode node, int index) {
        if (!node.isObject()) {
            throw bad("chunk " + index + " is not an object");
        }
        JsonNode id = node.get("Id");
        if (id == null || !id.isString()) {
            throw bad("chunk " + index + ": Id must be a string");
        }
        Address address;
        try {
            address = Address.parse(id.stringValue());
        } catch (CairnException e) {
            throw bad("chunk " + index + ": Id is not an address");
        }
        JsonNode order = node.get("Order");
        if (order == null || !order.isIntegralNumber() || !order.canConvertToInt() || order.intValue() < 0) {
            throw bad("chunk " + index + ": Order must be a non-negative integer");
        }
        LinkedHashSet<URI> urls = new LinkedHashSet<>();
        for (String field : URL_FIELDS) {
            JsonNode url = node.get(field);
            if (url == null || url.isNull() || (url.isString() && url.stringValue().isEmpty())) {
                continue;
            }
            if (!url.isString()) {
                throw bad("chunk " + index + ": " + field + " must be a string");
            }
            urls.add(SeedManifest.checkUrl(url.stringValue()));
        }
        return new SeedManifest.Chunk(address, order.intValue(), List.copyOf(urls));
    }

    /** Sorts by Order and maps 0..n−1 or 1..n onto 0..n−1; anything else is refused. */
    private static List<SeedManifest.Chunk> renumber(List<SeedManifest.Chunk> chunks) {
        List<SeedManifest.Chunk> sorted = new ArrayList<>(chunks);
        sorted.sort(Comparator.comparingInt(SeedManifest.Chunk::order));
        int base = sorted.isEmpty() ? 0 : sorted.getFirst().order();
        if (base != 0 && base != 1) {
            throw bad("Orders must start at 0 (or 1), the smallest is " + base);
        }
        List<SeedManifest.Chunk> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            SeedManifest.Chunk c = sorted.get(i);
            if (c.order() != i + base) {
                throw bad(c.order() == i + base - 1 ? "Order " + c.order() + " appears twice"
                        : "Order " + (i + base) + " is missing");
            }
            out.add(new SeedManifest.Chunk(c.id(), i, c.urls()));
        }
        return out;
    }
}
