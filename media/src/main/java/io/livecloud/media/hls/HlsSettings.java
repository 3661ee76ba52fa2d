package io.livecloud.media.hls;

/**
 * Tunables of HLS packaging.
 *
 * @param enabled               package every live stream as HLS (off: {@code .m3u8} answers 404)
 * @param targetSegmentMillis   a segment is cut at the first keyframe at least this long after its start
 * @param windowSegments        segments listed in the live playlist
 * @param endedRetentionMillis  how long a finished stream's playlist (with {@code #EXT-X-ENDLIST}) and segments stay
 *                              available after the stream ended
 * @param maxBytesPerStream     the most segment memory one stream may hold; beyond it the oldest segments go first
 *                              (TS and LL-HLS count separately)
 * @param partTargetMillis      LL-HLS partial segment target duration
 */
public record HlsSettings(boolean enabled, long targetSegmentMillis, int windowSegments, long endedRetentionMillis,
                          long maxBytesPerStream, long partTargetMillis) {

    public HlsSettings {
        if (targetSegmentMillis < 500 || targetSegmentMillis > 60_000) {
            throw new IllegalArgumentException("hls target segment duration must be 500–60000 ms, got " + targetSegmentMillis);
        }
        if (windowSegments < 2 || windowSegments > 100) {
            throw new IllegalArgumentException("hls window must be 2–100 segments, got " + windowSegments);
        }
        if (partTargetMillis < 100 || partTargetMillis * 2 > targetSegmentMillis) {
            throw new IllegalArgumentException("hls part target must be 100 ms to half the segment target, got "
                    + partTargetMillis);
        }
        if (maxBytesPerStream < (1 << 20)) {
            throw new IllegalArgumentException("hls memory per stream must be at least 1 MiB, got " + maxBytesPerStream);
        }
    }

    public static HlsSettings defaults() {
        return new HlsSettings(true, 2_000, 6, 30_000, 96L << 20, 500);
    }

    public HlsSettings withTargetSegmentMillis(long value) {
        return new HlsSettings(enabled, value, windowSegments, endedRetentionMillis, maxBytesPerStream, partTargetMillis);
    }

    public HlsSettings withWindowSegments(int value) {
        return new HlsSettings(enabled, targetSegmentMillis, value, endedRetentionMillis, maxBytesPerStream, partTargetMillis);
    }

    public HlsSettings withEndedRetentionMillis(long value) {
        return new HlsSettings(enabled, targetSegmentMillis, windowSegments, value, maxBytesPerStream, partTargetMillis);
    }

    public HlsSettings withEnabled(boolean value) {
        return new HlsSettings(value, targetSegmentMillis, windowSegments, endedRetentionMillis, maxBytesPerStream, partTargetMillis);
    }
}
