package io.cairn.node.http;

import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself, before any route runs (a URI that climbs above the root, an
 * ambiguous encoded separator, oversized headers), answered in cairn's JSON error shape instead
 * of Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
    /** Every method gets the JSON body, not only GET and POST as Jetty's default does. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Exchange.JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static byte[] body(int code, String message) {
        var node = Json.MAPPER.createObjectNode();
        node.put("error", code == 416 ? "range_not_satisfiable" : ErrorCode.ofStatus(code).wireCode());
        node.put("message", message == null ? "" : message);
        return Json.MAPPER.writeValueAsBytes(node);
    }
}
