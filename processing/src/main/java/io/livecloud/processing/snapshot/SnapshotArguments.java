package io.livecloud.processing.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * The ffmpeg arguments of a snapshot job: read the live stream, decode its keyframes only (measured on the 720p
 * 2 Mbit/s test fixture: 1% of a core, against 5% decoding every frame), keep the first picture at once and then one
 * at every {@code interval} seconds of stream time after it: the first keyframe at or past each target
 * {@code first + k * interval}. Targets are counted from the first shot, not from the last, so the GOP does not add
 * up (with 2 s GOPs and 5 s: 6 s then 4 s apart, every shot within a GOP of its target); a target a long gap skipped
 * is not made up for. A clock that jumps back more than a second (a publisher that reconnected with its clock
 * started over) gets a shot at once and new targets. The select expression keeps the first shot's time in variable 0 and the next target in 1.
 *
 * <p>The image2 muxer writes each file under a temporary name and renames it when complete ({@code atomic_writing}),
 * and names it after the picture's timestamp in milliseconds ({@code -frame_pts} with a 1 ms time base), so the
 * collector never sees half a JPEG and knows each shot's stream time.
 */
public final class SnapshotArguments {
    /** JPEG quality on ffmpeg's 2 (best) to 31 scale: about 55 KB for the 720p test pattern. */
    static final int QUALITY = 3;

    private SnapshotArguments() {
    }

    /**
     * @param readUrl  where the stream is read (the node's RTMP port with an internal token)
     * @param interval seconds between shots
     * @param pattern  the files, with {@code %d} where the timestamp goes
     */
    public static List<String> of(String readUrl, int interval, Path pattern) {
        String n = Integer.toString(interval);
        String select = "select='if(isnan(prev_selected_t)+lt(t,prev_selected_t-1),st(0,t);st(1,t+" + n + ");1,"
                + "if(gte(t,ld(1)),st(1,ld(0)+(floor((t-ld(0))/" + n + ")+1)*" + n + ");1,0))'";
        return List.of(
                // a source that stalls longer than its grace period has ended; a read that never returns must not hang
                "-rw_timeout", "15000000", "-skip_frame", "nokey", "-i", readUrl,
                "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", select, "-fps_mode", "vfr",
                "-enc_time_base:v", "1:1000", "-c:v", "mjpeg",
                // a fixed quantiser; not -q:v, with which this ffmpeg (8.1) holds the first picture back 4-5 s
                "-qmin", String.valueOf(QUALITY), "-qmax", String.valueOf(QUALITY),
                "-f", "image2", "-atomic_writing", "1", "-frame_pts", "1", pattern.toString());
    }
}
