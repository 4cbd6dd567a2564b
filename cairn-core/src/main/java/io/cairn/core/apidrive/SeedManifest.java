package io.cairn.core.apidrive;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.names.Name;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The seed's portable manifest (SPEC §3.3, seed: API Drive): a file name and, for each chunk, its
 * address, its place and up to three URLs of nodes' {@code /api/drive/retrieve} that hold it.
 * {@code cairn put} writes one from a cairn {@link Manifest}; {@code cairn get} reads one and
 * downloads each chunk from its URLs. The bytes are {@link SeedManifestCodec}'s business.
 *
 * <p>Unlike cairn's own manifest it carries no sizes and no whole-file hash: a reader can check
 * each chunk against its Id, but not that the file is complete beyond "every Order is present".
 *
 * @param fileName the file's name: a valid {@link Name} (1–1024 bytes of UTF-8, no control
 *                 characters); may hold {@code /}, see {@link #safeFileName()}
 * @param chunks   the chunks, ordered by {@link Chunk#order()}, which runs 0, 1, 2, ...
 */
public record SeedManifest(String fileName, List<Chunk> chunks) {
    public static final int MAX_URLS = 3;
    public static final int MAX_URL_CHARS = 2048;
    /** The route every URL names, on some node. */
    public static final String RETRIEVE_PATH = "/api/drive/retrieve";

    /**
     * One chunk.
     *
     * @param id    the chunk's address
     * @param order its place in the file, from 0
     * @param urls  0 to 3 distinct http(s) URLs, best first; fewer when fewer replicas exist
     */
    public record Chunk(Address id, int order, List<URI> urls) {
        public Chunk {
            if (id == null || order < 0) {
                throw new IllegalArgumentException("a chunk needs an id and an order ≥ 0");
            }
            urls = List.copyOf(urls);
            if (urls.size() > MAX_URLS || new LinkedHashSet<>(urls).size() != urls.size()) {
                throw new IllegalArgumentException("a chunk has at most " + MAX_URLS + " distinct URLs: " + urls);
            }
            urls.forEach(u -> checkUrl(u.toString()));
        }
    }

    public SeedManifest {
        Name.of(fileName); // BAD_REQUEST unless a valid name
        chunks = List.copyOf(chunks);
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).order() != i) {
                throw new IllegalArgumentException("chunk " + i + " has order " + chunks.get(i).order());
            }
        }
    }

    /**
     * The seed manifest of a cairn file.
     *
     * @param replicaUrls for a chunk's address, the retrieve URLs of the nodes that hold it, best
     *                    first (see {@link #retrieveUrl(URI)}); duplicates are dropped and only
     *                    the first three kept
     */
    public static SeedManifest fromManifest(String fileName, Manifest manifest, Function<Address, List<URI>> replicaUrls) {
        List<Chunk> chunks = new ArrayList<>(manifest.chunks().size());
        for (Manifest.Chunk c : manifest.chunks()) {
            List<URI> urls = new ArrayList<>(new LinkedHashSet<>(replicaUrls.apply(c.id())));
            chunks.add(new Chunk(c.id(), c.order(), urls.subList(0, Math.min(MAX_URLS, urls.size()))));
        }
        return new SeedManifest(fileName, chunks);
    }

    /** The retrieve URL of a node from its base URL: {@code http://h:p} → {@code http://h:p/api/drive/retrieve}. */
    public static URI retrieveUrl(URI nodeBase) {
        String base = nodeBase.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return checkUrl(base + RETRIEVE_PATH);
    }

    /**
     * The file name, if it can be used as-is as one file in a directory: not empty, not {@code .}
     * or {@code ..}, no {@code /} or {@code \}. A manifest comes from anyone; a reader writing
     * the file must not let its name climb out of the target directory.
     *
     * @throws CairnException BAD_REQUEST when it cannot
     */
    public String safeFileName() {
        if (fileName.equals(".") || fileName.equals("..") || fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "file name \"" + fileName + "\" is not a plain file name");
        }
        return fileName;
    }

    /**
     * Validates one chunk URL: absolute http or https, a host, no user info, no fragment, at most
     * {@link #MAX_URL_CHARS} characters. The path is not checked: the URL is POSTed to as given.
     *
     * @throws CairnException BAD_REQUEST otherwise
     */
    public static URI checkUrl(String text) {
        if (text.length() > MAX_URL_CHARS) {
            throw bad("URL longer than " + MAX_URL_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw bad("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw bad("URL must be http or https: " + abbreviate(text));
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw bad("URL must have a host and no user info or fragment: " + abbreviate(text));
        }
        return uri;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    static CairnException bad(String why) {
        return new CairnException(ErrorCode.BAD_REQUEST, "not a seed manifest: " + why);
    }
}
