package io.cairn.core;

/**
 * Every failure cairn reports, with the HTTP status it maps to and the wire code written in the
 * JSON error body {@code {"error": "<code>", "message": "<text>"}} (SPEC §3).
 */
public enum ErrorCode {
    BAD_REQUEST(400, "bad_request"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    CONFLICT(409, "conflict"),
    TOO_LARGE(413, "too_large"),
    HASH_MISMATCH(422, "hash_mismatch"),
    RATE_LIMITED(429, "rate_limited"),
    INTERNAL(500, "internal"),
    UNAVAILABLE(503, "unavailable"),
    INSUFFICIENT_STORAGE(507, "insufficient_storage");

    private final int httpStatus;
    private final String wireCode;

    ErrorCode(int httpStatus, String wireCode) {
        this.httpStatus = httpStatus;
        this.wireCode = wireCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String wireCode() {
        return wireCode;
    }

    /** The code a remote node meant by an HTTP status; INTERNAL when the status is unknown. */
    public static ErrorCode ofStatus(int status) {
        for (ErrorCode code : values()) {
            if (code.httpStatus == status) {
                return code;
            }
        }
        return INTERNAL;
    }
}
