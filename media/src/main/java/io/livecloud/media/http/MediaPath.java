package io.livecloud.media.http;

import io.livecloud.media.Protocol;

/**
 * A media URL path {@code /{app}/{stream}{suffix}} split into its parts. AppName and StreamName are single path
 * segments (SPEC §3 allows no slash in either).
 */
record MediaPath(String app, String stream, Protocol protocol) {

    /** @return null when the path is not of that form or has no known suffix */
    static MediaPath parse(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        int slash = path.indexOf('/', 1);
        if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        String app = path.substring(1, slash);
        String file = path.substring(slash + 1);
        for (Protocol p : Protocol.values()) {
            String suffix = p.uriSuffix();
            if (!suffix.isEmpty() && file.endsWith(suffix) && file.length() > suffix.length() && !app.isEmpty()) {
                return new MediaPath(app, file.substring(0, file.length() - suffix.length()), p);
            }
        }
        return null;
    }
}
