package io.cairn.core.contracts;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import java.math.BigDecimal;

/**
 * What a storage contract asks for (SPEC §3.6): the data's size, how long it is held, the holder's
 * availability and its transfer speed. Units are in the names. Built by the CLI
 * ({@code ./cairn topic}) and by {@code POST /contracts}; both then call {@link ContractTopic#of}.
 *
 * <p>Valid values are finite and non-negative; availability is a percentage, so at most 100.
 * Anything else is a {@link CairnException} with {@link ErrorCode#BAD_REQUEST} (HTTP 400) naming
 * the field. There is deliberately no upper bound on size, duration or speed: the seed's table
 * says values above it are high.
 *
 * @param sizeMb          data size in megabytes (MB, 10^6 bytes as the seed's table reads)
 * @param durationDays    how long the data must be held, in days
 * @param availabilityPct required availability, 0..100 percent
 * @param speedMbps       required transfer speed, megabits per second
 */
public record ContractCriteria(double sizeMb, double durationDays, double availabilityPct, double speedMbps) {
    public static final double MAX_AVAILABILITY_PCT = 100.0;

    public ContractCriteria {
        check("size", sizeMb);
        check("duration", durationDays);
        check("availability", availabilityPct);
        check("speed", speedMbps);
        if (availabilityPct > MAX_AVAILABILITY_PCT) {
            throw new CairnException(ErrorCode.BAD_REQUEST,
                    "availability is a percentage (0..100), got " + availabilityPct);
        }
    }

    /**
     * Parses the four values from text, as typed on the command line or read from a query string.
     * Plain decimal or scientific notation only ({@code 8}, {@code 8.0}, {@code 8e0}); Java's
     * extra spellings that {@link Double#parseDouble} would take ({@code NaN}, {@code Infinity},
     * {@code 8d}, {@code 0x1p3}) are refused so that the CLI and HTTP accept exactly the same text.
     */
    public static ContractCriteria parse(String sizeMb, String durationDays, String availabilityPct,
                                         String speedMbps) {
        return new ContractCriteria(number("size", sizeMb), number("duration", durationDays),
                number("availability", availabilityPct), number("speed", speedMbps));
    }

    private static double number(String field, String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must be a number");
        }
        try {
            return new BigDecimal(text.strip()).doubleValue();
        } catch (NumberFormatException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must be a number, got '" + text + "'");
        }
    }

    private static void check(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must be a finite number, got " + value);
        }
        if (value < 0) {
            throw new CairnException(ErrorCode.BAD_REQUEST, field + " must not be negative, got " + value);
        }
    }
}
