package io.cairn.node.dashboard;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Json;
import io.cairn.node.http.Exchange;
import io.cairn.node.http.Route;
import io.cairn.node.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The dashboard's routes (issue #9, SPEC §3.7), all public and read-only:
 * <pre>
 * GET /                         the page (HTML; the current state embedded, so it shows at once)
 * GET /dashboard/app.js         its script (no dependencies, no build step)
 * GET /dashboard/style.css      its style sheet
 * GET /dashboard/state          {@link DashboardService#state()} as JSON, polled by the page
 * GET /dashboard/events?limit=  this node's recent events, newest first (1..200, default 50)
 * </pre>
 * The page is plain HTML, CSS and JavaScript from this module's resources: no front-end package,
 * nothing fetched from elsewhere, and a Content-Security-Policy that allows only this origin.
 */
public final class DashboardRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String PLACEHOLDER = "{\"initial\":null}";

    private DashboardRoutes() {}

    public static Router addTo(Router router, DashboardService service) {
        String page = resource("index.html");
        if (!page.contains(PLACEHOLDER)) {
            throw new IllegalStateException("dashboard/index.html lacks the state placeholder");
        }
        byte[] script = resource("app.js").getBytes(StandardCharsets.UTF_8);
        byte[] style = resource("style.css").getBytes(StandardCharsets.UTF_8);
        return router
                .add("GET", "/", ex -> {
                    String json = Json.MAPPER.writeValueAsString(service.state());
                    byte[] html = page.replace(PLACEHOLDER, forScript(json)).getBytes(StandardCharsets.UTF_8);
                    headers(ex, true);
                    ex.respond(200, "text/html; charset=utf-8", ByteBuffer.wrap(html));
                })
                .add("GET", "/dashboard/app.js", asset(script, "text/javascript; charset=utf-8"))
                .add("GET", "/dashboard/style.css", asset(style, "text/css; charset=utf-8"))
                .add("GET", "/dashboard/state", ex -> {
                    headers(ex, false);
                    ex.respondJson(200, service.state());
                })
                .add("GET", "/dashboard/events", ex -> {
                    int limit = limit(ex.query("limit"));
                    headers(ex, false);
                    ex.respondJson(200, service.localEvents(limit));
                });
    }

    private static Route asset(byte[] bytes, String type) {
        return ex -> {
            ex.response().getHeaders().put("Cache-Control", "no-cache");
            ex.response().getHeaders().put("X-Content-Type-Options", "nosniff");
            ex.respond(200, type, ByteBuffer.wrap(bytes));
        };
    }

    private static void headers(Exchange ex, boolean page) {
        var h = ex.response().getHeaders();
        h.put("Cache-Control", "no-store");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        if (page) {
            h.put("Content-Security-Policy", CSP);
            h.put("X-Frame-Options", "DENY");
        }
    }

    static int limit(String raw) {
        if (raw == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= io.cairn.node.events.EventLog.CAPACITY) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new CairnException(ErrorCode.BAD_REQUEST, "limit must be 1.." + io.cairn.node.events.EventLog.CAPACITY);
    }

    /** JSON made safe inside a {@code <script>} element: no {@code <}, {@code >} or {@code &} survive. */
    static String forScript(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    private static String resource(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dashboard/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
