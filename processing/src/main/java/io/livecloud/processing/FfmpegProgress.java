package io.livecloud.processing;

import java.time.Instant;
import java.util.Map;

/**
 * What a running ffmpeg last said about itself through {@code -progress pipe:1}: one block of {@code key=value}
 * lines every half second, ended by {@code progress=continue} (or {@code end}).
 *
 * @param frames      video frames written so far (0 for audio-only outputs)
 * @param fps         the encoding rate in frames per second
 * @param outTimeMicros media time written so far
 * @param bitrateKbps the output bitrate ffmpeg computed, 0 when it has none yet ({@code N/A})
 * @param speed       media time per wall-clock time (1.0 = real time), 0 when unknown
 * @param totalBytes  bytes written so far
 * @param at          when the block was read
 */
public record FfmpegProgress(long frames, double fps, long outTimeMicros, double bitrateKbps, double speed,
                             long totalBytes, Instant at) {

    public static final FfmpegProgress NONE = new FfmpegProgress(0, 0, 0, 0, 0, 0, Instant.EPOCH);

    /** The keys ffmpeg writes in a progress block; any other line is a log line. */
    static boolean isProgressKey(String key) {
        return switch (key) {
            case "frame", "fps", "bitrate", "total_size", "out_time_us", "out_time_ms", "out_time", "dup_frames",
                 "drop_frames", "speed", "progress" -> true;
            default -> key.startsWith("stream_") && key.endsWith("_q");
        };
    }

    /** A finished block (the values of one {@code progress=} period). */
    static FfmpegProgress of(Map<String, String> block, Instant at) {
        return new FfmpegProgress(longOf(block.get("frame")), doubleOf(block.get("fps"), ""),
                longOf(block.get("out_time_us")), doubleOf(block.get("bitrate"), "kbits/s"),
                doubleOf(block.get("speed"), "x"), longOf(block.get("total_size")), at);
    }

    private static long longOf(String v) {
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 0; // "N/A" before the first frame
        }
    }

    private static double doubleOf(String v, String unit) {
        if (v == null) {
            return 0;
        }
        String s = v.trim();
        if (!unit.isEmpty() && s.endsWith(unit)) {
            s = s.substring(0, s.length() - unit.length()).trim();
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) && d > 0 ? d : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
