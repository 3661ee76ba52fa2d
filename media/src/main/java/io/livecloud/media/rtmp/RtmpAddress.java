package io.livecloud.media.rtmp;

import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.StreamRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what an RTMP client sent — connect's {@code app} and {@code tcUrl}, then the publish/play name — into one
 * {@link StreamRequest}. Clients disagree on where the pieces go (SPEC §4): OBS with the whole URL as "Server"
 * sends {@code app = "app/stream?auth_key=K"} and an empty name; ffmpeg, librtmp, VLC and GStreamer send
 * {@code app = "app"} and {@code name = "stream?auth_key=K"}. Query parameters are taken from the tcUrl, the app and
 * the name, the later ones winning; the domain comes from a {@code vhost} or {@code domain} parameter when present,
 * else from the tcUrl host.
 */
public final class RtmpAddress {
    private RtmpAddress() {
    }

    /** @throws IllegalArgumentException with a client-facing reason when no app and stream can be made out */
    public static StreamRequest parse(Role role, String connectApp, String tcUrl, String name, String clientAddress) {
        Map<String, String> query = new LinkedHashMap<>();
        String host = "";
        if (tcUrl != null && !tcUrl.isEmpty()) {
            String[] urlAndQuery = splitQuery(tcUrl);
            host = hostOf(urlAndQuery[0]);
            parseQuery(urlAndQuery[1], query);
        }
        String[] appAndQuery = splitQuery(connectApp == null ? "" : connectApp);
        parseQuery(appAndQuery[1], query);
        String[] nameAndQuery = splitQuery(name == null ? "" : name);
        parseQuery(nameAndQuery[1], query);

        String app = trimSlashes(appAndQuery[0]);
        String stream = nameAndQuery[0];
        if (stream.isEmpty()) {
            int slash = app.lastIndexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("no stream name: give it after the app in the URL or as the stream key");
            }
            stream = app.substring(slash + 1);
            app = app.substring(0, slash);
        }
        if (app.isEmpty()) {
            throw new IllegalArgumentException("no app name in the URL");
        }
        String vhost = query.getOrDefault("vhost", query.get("domain"));
        if (vhost != null && !vhost.isEmpty()) {
            host = vhost.toLowerCase(Locale.ROOT);
        }
        return new StreamRequest(Protocol.RTMP, role, host, app, stream, query, clientAddress);
    }

    /** Whether a connect's {@code app} names an application at all (the only place {@link #parse} takes it from). */
    public static boolean namesApp(String connectApp) {
        return connectApp != null && !trimSlashes(splitQuery(connectApp)[0]).isEmpty();
    }

    private static String[] splitQuery(String s) {
        int q = s.indexOf('?');
        return q < 0 ? new String[]{s, ""} : new String[]{s.substring(0, q), s.substring(q + 1)};
    }

    /** Host of {@code rtmp://host[:port]/app…}, lower case, without port or brackets. */
    static String hostOf(String url) {
        int scheme = url.indexOf("://");
        String rest = scheme >= 0 ? url.substring(scheme + 3) : url;
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end > 0 ? authority.substring(1, end).toLowerCase(Locale.ROOT) : "";
        }
        int colon = authority.indexOf(':');
        return (colon >= 0 ? authority.substring(0, colon) : authority).toLowerCase(Locale.ROOT);
    }

    private static void parseQuery(String query, Map<String, String> into) {
        if (query.isEmpty()) {
            return;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            into.put(k, v);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray '%' is kept as sent rather than refusing the client
        }
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }
}
