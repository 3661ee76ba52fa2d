package io.livecloud.media.http;

import io.livecloud.media.Protocol;

/**
 * A media URL path split into its parts: {@code /{app}/{stream}{suffix}} for a stream, or
 * {@code /{app}/{stream}/{sequence}.ts} for one of its HLS segments. AppName and StreamName are single path
 * segments (SPEC §3 allows no slash in either).
 *
 * @param segment the HLS segment's sequence number, -1 for the stream itself
 */
record MediaPath(String app, String stream, Protocol protocol, long segment) {
    private static final String SEGMENT_SUFFIX = ".ts";

    MediaPath(String app, String stream, Protocol protocol) {
        this(app, stream, protocol, -1);
    }

    boolean isSegment() {
        return segment >= 0;
    }

    /** @return null when the path is not of either form or has no known suffix */
    static MediaPath parse(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length == 3) {
            return segmentPath(parts);
        }
        if (parts.length != 2 || parts[0].isEmpty()) {
            return null;
        }
        String file = parts[1];
        for (Protocol p : Protocol.values()) {
            String suffix = p.uriSuffix();
            if (!suffix.isEmpty() && file.endsWith(suffix) && file.length() > suffix.length()) {
                return new MediaPath(parts[0], file.substring(0, file.length() - suffix.length()), p);
            }
        }
        return null;
    }

    private static MediaPath segmentPath(String[] parts) {
        String file = parts[2];
        if (parts[0].isEmpty() || parts[1].isEmpty() || !file.endsWith(SEGMENT_SUFFIX)) {
            return null;
        }
        String number = file.substring(0, file.length() - SEGMENT_SUFFIX.length());
        if (number.isEmpty() || number.length() > 18 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return new MediaPath(parts[0], parts[1], Protocol.HLS, Long.parseLong(number));
    }
}
