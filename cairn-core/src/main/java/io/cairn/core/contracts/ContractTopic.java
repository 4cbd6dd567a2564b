package io.cairn.core.contracts;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Hex;

/**
 * The pub/sub topic a storage contract is published under (SPEC §3.6, after Storj's seed): the
 * lowercase hex of five bytes. Storage nodes subscribe to the topics they can honour, so the topic
 * must be a pure function of the criteria that every node and client computes alike.
 *
 * <h2>Format</h2>
 * <pre>
 * | byte | field        | values                                     |
 * |------|--------------|--------------------------------------------|
 * | 0    | tag          | 0x0f (marks a contract topic)              |
 * | 1    | size         | 0x01 low, 0x02 medium, 0x03 high           |
 * | 2    | duration     | 0x01 low, 0x02 medium, 0x03 high           |
 * | 3    | availability | 0x01 low, 0x02 medium, 0x03 high           |
 * | 4    | speed        | 0x01 low, 0x02 medium, 0x03 high           |
 * </pre>
 * Text form: 10 lowercase hex characters, e.g. {@code 0f01020303}. Uppercase is refused on parse
 * so that one topic has one spelling (topics are compared as strings in Bloom filters).
 *
 * <h2>Tiers and the boundary rule</h2>
 * <pre>
 * | criterion    | low       | medium     | high                 |
 * |--------------|-----------|------------|----------------------|
 * | size MB      | [0, 8)    | [8, 16)    | [16, +inf)           |
 * | duration d   | [0, 30)   | [30, 90)   | [90, +inf)           |
 * | availability | [0, 50)   | [50, 80)   | [80, 100]            |
 * | speed Mbps   | [0, 6)    | [6, 12)    | [12, +inf)           |
 * </pre>
 * <b>Rule: a tier's lower bound is inclusive, its upper bound exclusive</b>, so a value exactly on
 * a boundary belongs to the higher tier: exactly 8 MB, 30 days, 50 % and 6 Mbps are all medium;
 * 16 MB, 90 days, 80 % and 12 Mbps are high. Why this way round: every boundary then goes the same
 * way, the tiers tile the line with no gap or overlap, and it matches the usual reading of "8–16"
 * as "from 8 up to 16". The seed's upper ends (32 MB, 270 d, 99 %, 32 Mbps) are not limits: values
 * above them are high. Invalid values (negative, NaN, infinite, availability above 100) are refused
 * by {@link ContractCriteria}.
 */
public record ContractTopic(Tier size, Tier duration, Tier availability, Tier speed) {
    public static final int BYTES = 5;
    public static final byte TAG = 0x0f;

    /** A criterion's tier; {@link #code()} is its byte in the topic. */
    public enum Tier {
        LOW(0x01), MEDIUM(0x02), HIGH(0x03);

        private final int code;

        Tier(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The tier of {@code value} given the lower bounds of medium and high (inclusive). */
        static Tier of(double value, double mediumFrom, double highFrom) {
            if (value >= highFrom) {
                return HIGH;
            }
            return value >= mediumFrom ? MEDIUM : LOW;
        }

        static Tier ofCode(int code) {
            for (Tier t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new CairnException(ErrorCode.BAD_REQUEST, "contract topic tier must be 01, 02 or 03");
        }
    }

    // Lower bounds (inclusive) of the medium and high tiers, from the seed's table.
    static final double SIZE_MEDIUM_MB = 8, SIZE_HIGH_MB = 16;
    static final double DURATION_MEDIUM_DAYS = 30, DURATION_HIGH_DAYS = 90;
    static final double AVAILABILITY_MEDIUM_PCT = 50, AVAILABILITY_HIGH_PCT = 80;
    static final double SPEED_MEDIUM_MBPS = 6, SPEED_HIGH_MBPS = 12;

    public ContractTopic {
        if (size == null || duration == null || availability == null || speed == null) {
            throw new IllegalArgumentException("every tier is required");
        }
    }

    /** The topic for these criteria; the function behind {@code ./cairn topic} and {@code POST /contracts}. */
    public static ContractTopic of(ContractCriteria c) {
        return new ContractTopic(
                Tier.of(c.sizeMb(), SIZE_MEDIUM_MB, SIZE_HIGH_MB),
                Tier.of(c.durationDays(), DURATION_MEDIUM_DAYS, DURATION_HIGH_DAYS),
                Tier.of(c.availabilityPct(), AVAILABILITY_MEDIUM_PCT, AVAILABILITY_HIGH_PCT),
                Tier.of(c.speedMbps(), SPEED_MEDIUM_MBPS, SPEED_HIGH_MBPS));
    }

    /** Shorthand for {@code of(new ContractCriteria(...)).hex()}. */
    public static String hexOf(double sizeMb, double durationDays, double availabilityPct, double speedMbps) {
        return of(new ContractCriteria(sizeMb, durationDays, availabilityPct, speedMbps)).hex();
    }

    /**
     * Parses the text form.
     *
     * @throws CairnException BAD_REQUEST unless it is 10 lowercase hex characters with tag 0x0f and
     *                        tiers 01..03
     */
    public static ContractTopic parse(String hex) {
        byte[] b = Hex.decode(hex, BYTES, "contract topic");
        if (!hex.equals(Hex.encode(b))) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "contract topic must be lowercase hex");
        }
        if (b[0] != TAG) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "contract topic must start with 0f");
        }
        return new ContractTopic(Tier.ofCode(b[1]), Tier.ofCode(b[2]), Tier.ofCode(b[3]), Tier.ofCode(b[4]));
    }

    /** Whether {@code topic} is a well-formed contract topic (never throws). */
    public static boolean isContractTopic(String topic) {
        try {
            parse(topic);
            return true;
        } catch (CairnException e) {
            return false;
        }
    }

    public byte[] toBytes() {
        return new byte[] {TAG, (byte) size.code(), (byte) duration.code(), (byte) availability.code(),
                (byte) speed.code()};
    }

    public String hex() {
        return Hex.encode(toBytes());
    }

    @Override
    public String toString() {
        return hex();
    }
}
