package io.cairn.node.distribute;

import java.util.Map;

/**
 * The wire constants of the distribute role, protocol token {@code distribute-v1} (SPEC §3.2).
 *
 * <table>
 *   <caption>distribute-v1 as cairn speaks it</caption>
 *   <tr><th>call</th><th>body</th><th>answer</th></tr>
 *   <tr><td>{@code GET /id}</td><td></td><td>200 the service ID, 64 hex, text/plain</td></tr>
 *   <tr><td>{@code PUT /register/{id}} (cluster key)</td><td>optional {@code {"url":"http://host:port"}}
 *       (≤ 4 KiB)</td><td>200 empty; forgets what {@code id} held, inventory now "receiving"</td></tr>
 *   <tr><td>{@code PUT /has/{id}} (cluster key)</td><td>{@code {"addresses":[...]}} plus optional
 *       {@code "removed":[...]}, {@code "expired":[...]}, {@code "complete":true}; at most
 *       {@value #MAX_ADDRESSES_PER_REQUEST} addresses in all, at most {@value #MAX_HAS_BODY_BYTES}
 *       bytes</td><td>200 empty; 404 unknown id (register first); 400 malformed; 413 too many</td></tr>
 *   <tr><td>{@code GET /distribute/status}</td><td></td><td>200 JSON, see {@code StatusRoute}</td></tr>
 * </table>
 * Every answer of these routes, errors included, carries {@code X-Protocol: distribute-v1}.
 */
public final class DistributeProtocol {
    public static final String TOKEN = "distribute-v1";
    public static final String HEADER = "X-Protocol";
    public static final Map<String, String> HEADERS = Map.of(HEADER, TOKEN);
    /** Addresses (added, removed and expired together) one {@code PUT /has} may carry. */
    public static final int MAX_ADDRESSES_PER_REQUEST = 10_000;
    /** A full batch is about 670 KB; anything over 1 MiB is refused before it is parsed. */
    public static final int MAX_HAS_BODY_BYTES = 1 << 20;
    public static final int MAX_REGISTER_BODY_BYTES = 4096;
    public static final String REGISTER_PATH = "/register/";
    public static final String HAS_PATH = "/has/";
    public static final String STATUS_PATH = "/distribute/status";

    private DistributeProtocol() {}
}
