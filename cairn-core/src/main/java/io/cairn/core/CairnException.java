package io.cairn.core;

/** A failure with a fact attached: its {@link ErrorCode}. Messages are for people. */
public class CairnException extends RuntimeException {
    private final ErrorCode code;

    public CairnException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CairnException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
