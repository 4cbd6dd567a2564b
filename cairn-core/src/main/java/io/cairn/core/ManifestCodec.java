package io.cairn.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The manifest's wire and storage format, version 1: canonical JSON, UTF-8, no whitespace, fields
 * in exactly this order, so that equal manifests are equal bytes (and so equal addresses).
 *
 * <pre>
 * {"size":&lt;long&gt;,"sha256":"&lt;64 hex&gt;","chunkSize":&lt;int&gt;,
 *  "chunks":[{"Id":"&lt;64 hex&gt;","Order":&lt;int&gt;,"Size":&lt;int&gt;}, ...]}
 * </pre>
 *
 * <table>
 *   <caption>fields</caption>
 *   <tr><th>field</th><th>type</th><th>rule</th></tr>
 *   <tr><td>size</td><td>integer</td><td>0 &le; size; equals the sum of chunk sizes</td></tr>
 *   <tr><td>sha256</td><td>64 hex</td><td>SHA-256 of the whole file</td></tr>
 *   <tr><td>chunkSize</td><td>integer</td><td>1 KiB to 4 MiB</td></tr>
 *   <tr><td>chunks[].Id</td><td>64 hex</td><td>the chunk's address</td></tr>
 *   <tr><td>chunks[].Order</td><td>integer</td><td>0, 1, 2, ... in array order</td></tr>
 *   <tr><td>chunks[].Size</td><td>integer</td><td>chunkSize for all but the last, which is 1..chunkSize</td></tr>
 * </table>
 *
 * Decoding accepts the fields in any order and ignores unknown ones, but checks every rule above:
 * a manifest that breaks one is a BAD_REQUEST, never a partial file.
 */
public final class ManifestCodec {
    /** A manifest block is a block, so it too is at most 4 MiB: about 45,000 chunks. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private ManifestCodec() {}

    public static byte[] encode(Manifest manifest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + manifest.chunks().size() * 110);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("size", manifest.size());
            g.writeStringProperty("sha256", manifest.sha256());
            g.writeNumberProperty("chunkSize", manifest.chunkSize());
            g.writeArrayPropertyStart("chunks");
            for (Manifest.Chunk c : manifest.chunks()) {
                g.writeStartObject();
                g.writeStringProperty("Id", c.id().hex());
                g.writeNumberProperty("Order", c.order());
                g.writeNumberProperty("Size", c.size());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length > MAX_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "manifest of " + manifest.chunks().size()
                    + " chunks exceeds one block; use a larger chunk size");
        }
        return bytes;
    }

    public static Manifest decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new CairnException(ErrorCode.TOO_LARGE, "manifest larger than a block");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "not a manifest: malformed JSON");
        }
        if (root == null || !root.isObject()) {
            throw bad("not a JSON object");
        }
        long size = longField(root, "size");
        String sha = textField(root, "sha256");
        Hex.decode(sha, 32, "manifest sha256");
        long chunkSizeLong = longField(root, "chunkSize");
        if (chunkSizeLong < Manifest.MIN_CHUNK_SIZE || chunkSizeLong > Manifest.MAX_CHUNK_SIZE) {
            throw bad("chunkSize out of range");
        }
        int chunkSize = (int) chunkSizeLong;
        JsonNode array = root.get("chunks");
        if (array == null || !array.isArray()) {
            throw bad("chunks must be an array");
        }
        List<Manifest.Chunk> chunks = new ArrayList<>(array.size());
        long total = 0;
        for (int i = 0; i < array.size(); i++) {
            JsonNode c = array.get(i);
            if (!c.isObject()) {
                throw bad("chunk " + i + " is not an object");
            }
            Address id = Address.parse(textField(c, "Id"));
            long order = longField(c, "Order");
            long chunkLen = longField(c, "Size");
            if (order != i) {
                throw bad("chunk " + i + " has Order " + order);
            }
            boolean last = i == array.size() - 1;
            if (chunkLen < 1 || chunkLen > chunkSize || (!last && chunkLen != chunkSize)) {
                throw bad("chunk " + i + " has Size " + chunkLen);
            }
            total += chunkLen;
            chunks.add(new Manifest.Chunk(id, i, (int) chunkLen));
        }
        if (total != size) {
            throw bad("size " + size + " is not the sum of the chunk sizes " + total);
        }
        return new Manifest(size, sha.toLowerCase(java.util.Locale.ROOT), chunkSize, chunks);
    }

    /** Cheap check used before parsing: does this block look like a manifest at all? */
    public static boolean looksLikeManifest(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        return i < bytes.length && bytes[i] == '{'
                && new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8).contains("\"chunks\"");
    }

    private static long longField(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw bad(name + " must be a non-negative integer");
        }
        return v.longValue();
    }

    private static String textField(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isString()) {
            throw bad(name + " must be a string");
        }
        return v.stringValue();
    }

    private static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "not a manifest: " + why);
    }
}
