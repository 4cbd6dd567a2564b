package io.cairn.client;

import java.util.Map;

/** A reply as the {@link Transport} received it; header names are lowercase. */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {
    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public String header(String lowercaseName) {
        return headers.get(lowercaseName);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
