package io.livecloud.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livecloud.api.OpenApi;
import io.livecloud.processing.storage.LocalObjectStore;
import io.livecloud.processing.storage.ObjectStore;
import io.livecloud.processing.storage.StorageResolver;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console on the API port: its static files ({@code /} and {@code /console/…}, from the classpath folder
 * {@code console/}) and its four endpoints. There is no second back end: {@code POST /console/api} hands its form
 * parameters ({@code Action=…&…}) to the same {@link OpenApi} the SDK calls, through its session-authenticated entry
 * point, so the console gets the same actions, rules and error documents.
 *
 * <ul>
 *   <li>{@code POST /console/api/signin} ({@code AccessKeyId}, {@code AccessKeySecret}) → the session cookie
 *       ({@code HttpOnly; SameSite=Strict; Path=/}) and, in the body, the CSRF token the page keeps in memory;</li>
 *   <li>{@code GET /console/api/session} → the CSRF token again for a page reloaded with a live cookie, else 401;</li>
 *   <li>{@code POST /console/api} and {@code POST /console/api/signout} need the cookie (401 without a live
 *       session) and the {@code X-CSRF-Token} header (403 when missing or wrong);</li>
 *   <li>{@code GET /console/api/picture?OssEndpoint=…&OssBucket=…&OssObject=….jpg} → a JPEG of the node's local
 *       object store (a snapshot, whose {@code file:} URL a page cannot load), for the cookie's session only; the
 *       name is checked like every object name and must stay inside the store's directory (links included).</li>
 * </ul>
 * Every POST from a browser must also be same-origin: an {@code Origin} other than this host, or a
 * {@code Sec-Fetch-Site} other than {@code same-origin}, is refused (403) before anything else, sign-in included.
 */
final class ConsoleHttp {
    static final String COOKIE = "livecloud_console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String API_PATH = "/console/api";
    static final String PICTURE_PATH = API_PATH + "/picture";
    /** Far above a snapshot's JPEG (a 4K one is about 1 MiB): nothing larger is read into memory. */
    static final long MAX_PICTURE_BYTES = 16L << 20;
    private static final Logger log = LoggerFactory.getLogger(ConsoleHttp.class);
    /**
     * Scripts, styles and workers only from this origin (hls.js starts its worker from a blob URL, MSE plays from
     * blob URLs); media requests go to the media port and the play domains, which are other origins.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self' http: https:; media-src 'self' blob: http: https:; worker-src 'self' blob:; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z0-9.]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file of the console, read once. */
    private record Asset(byte[] bytes, String contentType, String etag, boolean versioned) {
    }

    private final OpenApi openApi;
    private final ConsoleSessions sessions;
    private final StorageResolver storage;
    private final Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();

    /** @param storage where snapshot configurations store their pictures; null serves none */
    ConsoleHttp(OpenApi openApi, ConsoleSessions sessions, StorageResolver storage) {
        this.openApi = openApi;
        this.sessions = sessions;
        this.storage = storage;
    }

    /** What a request to the console is, before it is answered. */
    record Request(String path, String method, HttpHeaders headers, Map<String, String> params, String clientIp) {
    }

    /** True when the API port should answer this path from the console. */
    static boolean owns(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    /**
     * Everything the console answers without blocking; null when the request needs the OpenAPI (a console API call),
     * which {@link #callApi} answers on the API threads.
     */
    ApiHttpServer.Reply answerLocally(Request r) {
        String path = r.path();
        if (path.equals("/") || path.equals("/console") || path.equals("/console/")) {
            return file("index.html", r.headers());
        }
        if (!path.equals(API_PATH) && !path.startsWith(API_PATH + "/")) { // (api.js is a file)
            return file(path.substring("/console/".length()), r.headers());
        }
        boolean post = r.method().equals("POST");
        switch (path) {
            case API_PATH + "/session" -> {
                if (!r.method().equals("GET")) {
                    return error(405, "UnsupportedHTTPMethod", "use GET");
                }
                return sessions.find(cookie(r.headers())).map(s -> signedIn(s, null))
                        .orElseGet(() -> error(401, "ConsoleSession.Missing", "Not signed in."));
            }
            case API_PATH + "/signin" -> {
                if (!post) {
                    return error(405, "UnsupportedHTTPMethod", "use POST");
                }
                String crossOrigin = crossOrigin(r.headers());
                if (crossOrigin != null) {
                    return error(403, "ConsoleRequest.CrossOrigin", crossOrigin);
                }
                ConsoleSessions.SignIn result = sessions.signIn(r.params().get("AccessKeyId"),
                        r.params().get("AccessKeySecret"), r.clientIp());
                if (result instanceof ConsoleSessions.Refusal no) {
                    return error(no.status(), no.code(), no.message());
                }
                ConsoleSessions.Session s = (ConsoleSessions.Session) result;
                // behind a TLS-terminating proxy the cookie must not travel over plain HTTP
                boolean https = "https".equalsIgnoreCase(r.headers().get("X-Forwarded-Proto"));
                return signedIn(s, COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
            }
            case PICTURE_PATH -> {
                return checkPicture(r); // null when it may be read, on the API threads (a file read blocks)
            }
            case API_PATH + "/signout", API_PATH -> {
                if (!post) {
                    return error(405, "UnsupportedHTTPMethod", "use POST");
                }
                Object checked = checkChange(r);
                if (checked instanceof ApiHttpServer.Reply refusal) {
                    return refusal;
                }
                if (path.equals(API_PATH)) {
                    return null; // the OpenAPI: on the API threads
                }
                sessions.signOut((ConsoleSessions.Session) checked);
                return json(200, JSON.createObjectNode().put("SignedIn", false), Map.of("Set-Cookie",
                        COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
            }
            default -> {
                return error(404, "InvalidAction.NotFound", "no console endpoint " + path);
            }
        }
    }

    /** A console API call, whose session and CSRF token {@link #answerLocally} accepted. Blocks (JDBC). */
    ApiHttpServer.Reply callApi(Request r) {
        if (r.path().equals(PICTURE_PATH)) {
            return picture(r);
        }
        OpenApi.Response res = openApi.handleAuthenticated(r.params(), r.clientIp());
        return new ApiHttpServer.Reply(res.status(), res.contentType(), res.body().getBytes(StandardCharsets.UTF_8),
                securityHeaders(Map.of("Cache-Control", "no-store")));
    }

    /**
     * The memory-only checks of a picture request, or null when it passes: a GET from this console's own pages (an
     * {@code <img>} sends {@code Sec-Fetch-Site: same-origin}; the cookie is {@code SameSite=Strict} anyway) with a
     * live session and a valid {@code .jpg} object name. No CSRF token: it changes nothing, and an image cannot send it.
     */
    private ApiHttpServer.Reply checkPicture(Request r) {
        if (!r.method().equals("GET")) {
            return error(405, "UnsupportedHTTPMethod", "use GET");
        }
        String crossOrigin = crossOrigin(r.headers());
        if (crossOrigin != null) {
            return error(403, "ConsoleRequest.CrossOrigin", crossOrigin);
        }
        if (sessions.find(cookie(r.headers())).isEmpty()) {
            return error(401, "ConsoleSession.Missing", "Not signed in, or the session has expired: sign in again.");
        }
        String key = r.params().get("OssObject");
        try {
            ObjectStore.checkKey(key);
        } catch (IllegalArgumentException e) {
            return error(400, "InvalidOssObject.Malformed", e.getMessage());
        }
        if (!key.endsWith(".jpg")) {
            return error(400, "InvalidOssObject.Malformed", "only snapshot pictures (.jpg) are served: " + key);
        }
        if (storage == null) {
            return error(404, "InvalidOssObject.NotFound", "this console serves no pictures");
        }
        return null;
    }

    /** A picture {@link #checkPicture} let through, read from the local store. Blocks (a file read). */
    private ApiHttpServer.Reply picture(Request r) {
        String key = r.params().get("OssObject");
        LocalObjectStore local;
        try {
            if (!(storage.resolve(r.params().get("OssEndpoint"), r.params().get("OssBucket"))
                    instanceof LocalObjectStore l)) {
                return error(404, "InvalidOssObject.NotLocal", "the object is in object storage: open its Url");
            }
            local = l;
        } catch (IllegalArgumentException e) {
            return error(404, "InvalidOssBucket.Unavailable", e.getMessage());
        }
        try {
            // a link inside the store must not lead out of it: compare where the file really is
            Path file = local.fileOf(key).toRealPath();
            if (!file.startsWith(local.root().toRealPath()) || !Files.isRegularFile(file)) {
                return error(404, "InvalidOssObject.NotFound", "no picture " + key + " in the local store");
            }
            if (Files.size(file) > MAX_PICTURE_BYTES) {
                return error(413, "InvalidOssObject.TooLarge", key + " is larger than a snapshot picture can be");
            }
            return new ApiHttpServer.Reply(200, "image/jpeg", Files.readAllBytes(file),
                    securityHeaders(Map.of("Cache-Control", "private, no-cache")));
        } catch (NoSuchFileException e) {
            return error(404, "InvalidOssObject.NotFound", "no picture " + key + " in the local store");
        } catch (IOException e) {
            log.warn("console: cannot read picture {} of the local store: {}", key, e.toString());
            return error(500, "InternalError", "cannot read " + key + ": " + e.getMessage());
        }
    }

    /** The session of a change (a POST that needs one), or the refusal as a Reply. */
    private Object checkChange(Request r) {
        String crossOrigin = crossOrigin(r.headers());
        if (crossOrigin != null) {
            return error(403, "ConsoleRequest.CrossOrigin", crossOrigin);
        }
        Optional<ConsoleSessions.Session> s = sessions.find(cookie(r.headers()));
        if (s.isEmpty()) {
            return error(401, "ConsoleSession.Missing", "Not signed in, or the session has expired: sign in again.");
        }
        if (!s.get().csrfMatches(r.headers().get(CSRF_HEADER))) {
            return error(403, "ConsoleRequest.InvalidCsrfToken",
                    "The " + CSRF_HEADER + " header is missing or does not belong to this session.");
        }
        return s.get();
    }

    /** Why a browser's request is not same-origin, or null when it is (or comes from a non-browser client). */
    private static String crossOrigin(HttpHeaders h) {
        String site = h.get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return "Sec-Fetch-Site is " + site + "; the console accepts changes from its own pages only.";
        }
        String origin = h.get(HttpHeaderNames.ORIGIN);
        String host = h.get(HttpHeaderNames.HOST);
        if (origin != null && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)))) {
            return "Origin " + origin + " is not this console's; the console accepts changes from its own pages only.";
        }
        return null;
    }

    private static String cookie(HttpHeaders h) {
        String header = h.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
            if (c.name().equals(COOKIE)) {
                return c.value();
            }
        }
        return null;
    }

    private ApiHttpServer.Reply signedIn(ConsoleSessions.Session s, String setCookie) {
        ObjectNode body = JSON.createObjectNode().put("SignedIn", true).put("AccessKeyId", s.accessKeyId)
                .put("CsrfToken", s.csrfToken).put("IdleMinutes", ConsoleSessions.IDLE.toMinutes());
        return json(200, body, setCookie == null ? Map.of() : Map.of("Set-Cookie", setCookie));
    }

    /** An error in the cloud's shape, so the console shows it like an OpenAPI error. */
    private static ApiHttpServer.Reply error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode().put("RequestId", UUID.randomUUID().toString().toUpperCase(Locale.ROOT))
                .put("HostId", "livecloud").put("Code", code).put("Message", message);
        return json(status, body, Map.of());
    }

    private static ApiHttpServer.Reply json(int status, ObjectNode body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Cache-Control", "no-store");
        try {
            return new ApiHttpServer.Reply(status, "application/json;charset=utf-8", JSON.writeValueAsBytes(body),
                    securityHeaders(h));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiHttpServer.Reply file(String name, HttpHeaders request) {
        if (!ASSET.matcher(name).matches()) {
            return notFound(name);
        }
        Optional<Asset> asset = assets.computeIfAbsent(name, ConsoleHttp::load);
        if (asset.isEmpty()) {
            return notFound(name);
        }
        Asset a = asset.get();
        Map<String, String> h = new LinkedHashMap<>();
        // vendored players carry their version in the name; the console's own files change with LiveCloud
        h.put("Cache-Control", a.versioned() ? "public, max-age=31536000, immutable" : "no-cache");
        h.put("ETag", a.etag());
        if (a.etag().equals(request.get(HttpHeaderNames.IF_NONE_MATCH))) {
            return new ApiHttpServer.Reply(304, a.contentType(), new byte[0], securityHeaders(h));
        }
        return new ApiHttpServer.Reply(200, a.contentType(), a.bytes(), securityHeaders(h));
    }

    private static ApiHttpServer.Reply notFound(String name) {
        return new ApiHttpServer.Reply(404, "text/plain; charset=utf-8",
                ("no console file " + name + "\n").getBytes(StandardCharsets.UTF_8), securityHeaders(Map.of()));
    }

    /** Reads a file of the console from the classpath (the jar; a few hundred KiB in all, read once each). */
    private static Optional<Asset> load(String name) {
        String type = contentType(name);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = ConsoleHttp.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12) + "\"";
            return Optional.of(new Asset(bytes, type, etag, name.startsWith("vendor/")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console file " + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "txt", "LICENSE" -> "text/plain; charset=utf-8";
            default -> null;
        };
    }

    /** What every console response carries: the CSP and the usual hardening headers. */
    private static Map<String, String> securityHeaders(Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        return h;
    }
}
