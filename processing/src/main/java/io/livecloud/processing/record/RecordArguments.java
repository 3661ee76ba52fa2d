package io.livecloud.processing.record;

import io.livecloud.control.record.RecordFormat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ffmpeg's arguments for one recording run: the stream read from the hub, copied (no decoding), and cut by the
 * segment muxer into one file per cycle ({@code flv}, {@code mp4}) or into the slices of an m3u8 recording
 * ({@code mpegts}), each finished file listed in a CSV list ({@code name,start,end} in stream seconds) that the
 * recorder follows. mp4 is fragmented (an empty moov, then a fragment at each keyframe or second, flushed at
 * once), so a file whose ffmpeg is killed still plays up to its last fragment.
 */
final class RecordArguments {
    static final String LIST = "segments.csv";

    private RecordArguments() {
    }

    static List<String> of(RecordFormat format, String readUrl, Path runDir) {
        List<String> a = new ArrayList<>(List.of("-i", readUrl, "-map", "0", "-c", "copy", "-f", "segment"));
        boolean hls = format.format().equals("m3u8");
        a.addAll(List.of("-segment_time", String.valueOf(hls ? format.sliceDuration() : format.cycleDuration())));
        switch (format.format()) {
            case "flv" -> a.addAll(List.of("-segment_format", "flv", "-reset_timestamps", "1"));
            case "mp4" -> a.addAll(List.of("-segment_format", "mp4", "-reset_timestamps", "1",
                    "-segment_format_options",
                    "movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=1000000:flush_packets=1"));
            // slices of one playlist keep the stream's timestamps: a player runs them as one timeline
            case "m3u8" -> a.addAll(List.of("-segment_format", "mpegts"));
            default -> throw new IllegalArgumentException("not a recording format: " + format.format());
        }
        a.addAll(List.of("-segment_list", runDir.resolve(LIST).toString(), "-segment_list_type", "csv",
                runDir.resolve("part-%06d." + extension(format)).toString()));
        return a;
    }

    static String extension(RecordFormat format) {
        return format.format().equals("m3u8") ? "ts" : format.format();
    }
}
