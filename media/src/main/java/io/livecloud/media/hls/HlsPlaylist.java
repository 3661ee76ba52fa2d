package io.livecloud.media.hls;

import io.livecloud.media.StreamGate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A live media playlist (RFC 8216 §4.3) at one moment: what the window lists, ready to render for one viewer.
 *
 * @param mediaSequence          sequence number of the first listed segment
 * @param discontinuitySequence  discontinuity tags that have left the window
 * @param ended                  the stream is over: {@code #EXT-X-ENDLIST}
 */
public record HlsPlaylist(long targetDurationSeconds, long mediaSequence, long discontinuitySequence,
                          List<Entry> segments, boolean ended) {
    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    /** One listed segment. */
    public record Entry(long sequence, long durationMillis, boolean discontinuity, long startedAtMillis) {
    }

    /** The URI path a segment is served at: {@code /{app}/{stream}/{sequence}.ts}. */
    public static String segmentPath(String app, String stream, long sequence) {
        return "/" + app + "/" + stream + "/" + sequence + ".ts";
    }

    /**
     * The playlist text. Segment URIs are relative to the playlist ({@code {stream}/{n}.ts}), each with the query
     * {@code signer} gives for its path, so a viewer's auth carries over without the player knowing.
     */
    public String render(String app, String stream, StreamGate.UriSigner signer) {
        StringBuilder m3u8 = new StringBuilder(256 + 128 * segments.size());
        m3u8.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        m3u8.append("#EXT-X-TARGETDURATION:").append(targetDurationSeconds).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence).append('\n');
        if (discontinuitySequence > 0) {
            m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        }
        for (Entry e : segments) {
            if (e.discontinuity()) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(PROGRAM_DATE_TIME.format(Instant.ofEpochMilli(e.startedAtMillis()))).append('\n');
            m3u8.append("#EXTINF:").append(String.format(Locale.ROOT, "%.3f", e.durationMillis() / 1000.0)).append(",\n");
            m3u8.append(stream).append('/').append(e.sequence()).append(".ts")
                    .append(signer.query(segmentPath(app, stream, e.sequence()))).append('\n');
        }
        if (ended) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return m3u8.toString();
    }
}
