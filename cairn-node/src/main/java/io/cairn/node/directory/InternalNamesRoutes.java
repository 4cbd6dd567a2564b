package io.cairn.node.directory;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.core.NodeId;
import io.cairn.core.names.Name;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import java.nio.ByteBuffer;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The directory's internal endpoints (cluster key required, SPEC §6). Their shapes:
 *
 * <table>
 *   <caption>internal directory endpoints</caption>
 *   <tr><th>method + path</th><th>request</th><th>answer</th></tr>
 *   <tr><td>POST /internal/names/records</td><td>a record batch ({@link NameRecordCodec})</td>
 *       <td>200, a batch of the stored records that beat offered ones (empty: all applied);
 *       durable before the answer; 400 on any malformed record or a clock too far ahead (nothing stored)</td></tr>
 *   <tr><td>POST /internal/names/read[?resolve=1]</td><td>the name's UTF-8 bytes</td>
 *       <td>200 one record (tombstones too), 404 none; with resolve=1 this node answers as owner
 *       (reading through to the other replicas)</td></tr>
 *   <tr><td>GET /internal/names/list?prefix=&after=&limit=</td><td>limit 1..{@value NameRecordCodec#MAX_BATCH_RECORDS}</td>
 *       <td>200, a batch of this node's own records in name order, tombstones included</td></tr>
 *   <tr><td>POST /internal/names/digests</td><td>{@code {"sender":"<id>","digests":[256 hex]}}</td>
 *       <td>200 {@code {"differ":[bucket...]}} (see {@link AntiEntropy})</td></tr>
 * </table>
 */
final class InternalNamesRoutes {
    private InternalNamesRoutes() {}

    static final class Records implements Route {
        private final Directory directory;

        Records(Directory directory) {
            this.directory = directory;
        }

        @Override
        public void handle(Exchange ex) throws Exception {
            List<NameRecord> records = NameRecordCodec.decodeBatch(ex.readBody(NameRecordCodec.MAX_BATCH_BYTES));
            List<NameRecord> newer = directory.mergeLocal(records);
            ex.respond(200, NameRecordCodec.BATCH_CONTENT_TYPE, ByteBuffer.wrap(NameRecordCodec.encodeBatch(newer)));
        }
    }

    static final class Read implements Route {
        private final Directory directory;

        Read(Directory directory) {
            this.directory = directory;
        }

        @Override
        public void handle(Exchange ex) throws Exception {
            Name name = Name.ofUtf8(ex.readBody(Name.MAX_BYTES));
            NameRecord r = "1".equals(ex.query("resolve")) ? directory.ownerRead(name) : directory.store().get(name);
            if (r == null) {
                throw new CairnException(ErrorCode.NOT_FOUND, "no record of " + Directory.quoted(name));
            }
            ex.respond(200, NameRecordCodec.BATCH_CONTENT_TYPE, ByteBuffer.wrap(NameRecordCodec.encode(r)));
        }
    }

    static final class LocalList implements Route {
        private final Directory directory;

        LocalList(Directory directory) {
            this.directory = directory;
        }

        @Override
        public void handle(Exchange ex) {
            int limit = ListNamesRoute.limit(ex.query("limit"), NameRecordCodec.MAX_BATCH_RECORDS);
            String prefix = ListNamesRoute.param(ex.query("prefix"), "prefix");
            String after = ListNamesRoute.param(ex.query("after"), "after");
            List<NameRecord> page = directory.localPage(prefix, after, limit);
            ex.respond(200, NameRecordCodec.BATCH_CONTENT_TYPE, ByteBuffer.wrap(NameRecordCodec.encodeBatch(page)));
        }
    }

    static final class Digests implements Route {
        private final AntiEntropy antiEntropy;

        Digests(AntiEntropy antiEntropy) {
            this.antiEntropy = antiEntropy;
        }

        @Override
        public void handle(Exchange ex) throws Exception {
            JsonNode body = ex.readJson(64 * 1024);
            JsonNode list = body.path("digests");
            if (!body.path("sender").isString() || !list.isArray() || list.size() != BucketDigests.BUCKETS) {
                throw new CairnException(ErrorCode.BAD_REQUEST, "expected {\"sender\",\"digests\":[" + BucketDigests.BUCKETS + " hex]}");
            }
            NodeId sender = NodeId.parse(body.path("sender").stringValue());
            long[] theirs = new long[BucketDigests.BUCKETS];
            for (int i = 0; i < theirs.length; i++) {
                try {
                    theirs[i] = Long.parseUnsignedLong(list.get(i).stringValue(), 16);
                } catch (NumberFormatException | NullPointerException e) {
                    throw new CairnException(ErrorCode.BAD_REQUEST, "digest " + i + " is not hex");
                }
            }
            var reply = Json.MAPPER.createObjectNode();
            var differ = reply.putArray("differ");
            for (int b : BucketDigests.differing(antiEntropy.digestsFor(sender), theirs)) {
                differ.add(b);
            }
            ex.respondJson(200, reply);
        }
    }
}
