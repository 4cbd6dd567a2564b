package io.cairn.core.pubsub;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * Every bound and default of the pub/sub overlay in one place (SPEC §3.6). The node turns the
 * defaults into config keys; these classes refuse values outside the bounds.
 *
 * <pre>
 * | limit                     | value      | why                                                   |
 * |---------------------------|------------|-------------------------------------------------------|
 * | MAX_TOPIC_BYTES           | 256        | topics are names, not data; bounds hashing and JSON   |
 * | MAX_SUBSCRIPTIONS         | 1024       | a node's level 0; filters are sized for it            |
 * | MAX_PAYLOAD_BYTES         | 65536      | UTF-8 of the JSON payload; pub/sub is for small notes |
 * | MAX_TTL / DEFAULT_TTL     | 64 / 32    | hops; 32 reaches > 95 % of sparse subscribers at 500  |
 * | MAX_MET                   | MAX_TTL+1  | one subscriber per hop at most, plus the publisher    |
 * | MAX_ID_CHARS              | 64         | publication ids, [A-Za-z0-9_-]                        |
 * | MAX_NEIGHBOURS            | 64         | chosen + those who chose us; bounds fan-out per hop   |
 * | DEFAULT_CLOSEST / RANDOM  | 3 / 2      | XOR-closest + random picks per node (issue #7)        |
 * | DEFAULT_SEEN_CAPACITY     | 4096       | ids remembered for duplicate detection (LRU)          |
 * | DEFAULT_REFRESH_MS        | 30000      | filters re-pushed at least this often                 |
 * | DEFAULT_FILTER_MAX_AGE_MS | 90000      | a filter not refreshed for 3 periods is ignored       |
 * </pre>
 */
public final class PubSubLimits {
    public static final int MAX_TOPIC_BYTES = 256;
    public static final int MAX_SUBSCRIPTIONS = 1024;
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    public static final int MAX_TTL = 64;
    public static final int DEFAULT_TTL = 32;
    public static final int MAX_MET = MAX_TTL + 1;
    public static final int MAX_ID_CHARS = 64;
    public static final int MAX_NEIGHBOURS = 64;
    public static final int DEFAULT_CLOSEST_NEIGHBOURS = 3;
    public static final int DEFAULT_RANDOM_NEIGHBOURS = 2;
    public static final int DEFAULT_SEEN_CAPACITY = 4096;
    public static final long DEFAULT_REFRESH_MS = 30_000;
    public static final long DEFAULT_FILTER_MAX_AGE_MS = 3 * DEFAULT_REFRESH_MS;

    private PubSubLimits() {}

    /**
     * Checks a topic name: 1..{@value #MAX_TOPIC_BYTES} UTF-8 bytes, no control characters.
     *
     * @throws CairnException BAD_REQUEST otherwise
     */
    public static String checkTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "topic must not be empty");
        }
        if (topic.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "topic is longer than " + MAX_TOPIC_BYTES + " bytes");
        }
        if (topic.chars().anyMatch(Character::isISOControl)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "topic must not contain control characters");
        }
        return topic;
    }
}
