package io.cairn.client;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Turns a node's error reply ({@code {"error","message"}}, SPEC §3) into a CairnException. */
final class RemoteError {
    private static final int MAX_MESSAGE_CHARS = 300;

    private RemoteError() {}

    static CairnException of(String where, HttpReply reply) {
        ErrorCode code = ErrorCode.ofStatus(reply.status());
        String message = null;
        byte[] body = reply.body();
        if (body.length > 0 && body.length < 64 * 1024) {
            try {
                JsonNode json = Json.MAPPER.readTree(body);
                if (json != null && json.isObject() && json.path("message").isString()) {
                    message = json.path("message").stringValue();
                }
            } catch (JacksonException e) {
                message = new String(body, 0, Math.min(body.length, MAX_MESSAGE_CHARS), StandardCharsets.UTF_8).strip();
            }
        }
        if (message != null && message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        return new CairnException(code, where + " answered " + reply.status()
                + (message == null || message.isEmpty() ? "" : ": " + message));
    }
}
