package io.cairn.node.http;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;

/** A 429 that says when to come back ({@code Retry-After}, whole seconds, at least 1). */
public final class RateLimitedException extends CairnException {
    private final long retryAfterSeconds;

    public RateLimitedException(String message, long retryAfterSeconds) {
        super(ErrorCode.RATE_LIMITED, message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
