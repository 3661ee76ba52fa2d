package io.livecloud.media.http;

import io.livecloud.media.Protocol;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A media URL path split into its parts: {@code /{app}/{stream}{suffix}} for a stream
 * ({@code .flv}, {@code .m3u8}), or a file of the stream's HLS directory {@code /{app}/{stream}/…}: the low-latency
 * playlist {@code ll.m3u8}, TS segments {@code {n}.ts}, CMAF segments {@code {n}.m4s}, parts {@code {n}.{p}.m4s}
 * and init segments {@code init{v}.mp4}. AppName and StreamName are single path segments (SPEC §3 allows no slash
 * in either).
 *
 * @param resource the file asked for inside the stream's directory, null for the stream (or its playlist) itself
 */
record MediaPath(String app, String stream, Protocol protocol, Resource resource) {
    private static final Pattern TS_SEGMENT = Pattern.compile("(\\d{1,18})\\.ts");
    private static final Pattern CMAF_MEDIA = Pattern.compile("(\\d{1,18})(?:\\.(\\d{1,6}))?\\.m4s");
    private static final Pattern INIT = Pattern.compile("init(\\d{1,6})\\.mp4");

    /** A file of the stream's HLS directory. {@code part} is -1 for a whole segment. */
    record Resource(Kind kind, long number, int part) {
    }

    enum Kind { TS_SEGMENT, CMAF_SEGMENT, CMAF_PART, INIT }

    MediaPath(String app, String stream, Protocol protocol) {
        this(app, stream, protocol, null);
    }

    boolean isResource() {
        return resource != null;
    }

    /** @return null when the path is not of any of these forms */
    static MediaPath parse(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length == 3) {
            return streamDirectory(parts);
        }
        if (parts.length != 2 || parts[0].isEmpty()) {
            return null;
        }
        String file = parts[1];
        for (Protocol p : Protocol.values()) {
            String suffix = p.uriSuffix();
            if (!suffix.isEmpty() && !suffix.contains("/") && file.endsWith(suffix) && file.length() > suffix.length()) {
                return new MediaPath(parts[0], file.substring(0, file.length() - suffix.length()), p);
            }
        }
        return null;
    }

    private static MediaPath streamDirectory(String[] parts) {
        String app = parts[0];
        String stream = parts[1];
        String file = parts[2];
        if (app.isEmpty() || stream.isEmpty()) {
            return null;
        }
        if (file.equals("ll.m3u8")) {
            return new MediaPath(app, stream, Protocol.LL_HLS);
        }
        Matcher m = TS_SEGMENT.matcher(file);
        if (m.matches()) {
            return new MediaPath(app, stream, Protocol.HLS, new Resource(Kind.TS_SEGMENT, Long.parseLong(m.group(1)), -1));
        }
        m = CMAF_MEDIA.matcher(file);
        if (m.matches()) {
            boolean part = m.group(2) != null;
            return new MediaPath(app, stream, Protocol.LL_HLS, new Resource(part ? Kind.CMAF_PART : Kind.CMAF_SEGMENT,
                    Long.parseLong(m.group(1)), part ? Integer.parseInt(m.group(2)) : -1));
        }
        m = INIT.matcher(file);
        if (m.matches()) {
            return new MediaPath(app, stream, Protocol.LL_HLS, new Resource(Kind.INIT, Integer.parseInt(m.group(1)), -1));
        }
        return null;
    }
}
