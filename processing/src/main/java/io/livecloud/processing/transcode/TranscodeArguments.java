package io.livecloud.processing.transcode;

import io.livecloud.control.transcode.TranscodeTemplate;

import java.util.ArrayList;
import java.util.List;

/**
 * The ffmpeg arguments that turn a live stream into one rendition and publish it back: H.264 (libx264, tuned for
 * live: {@code veryfast}, {@code zerolatency} so no B-frames and no look-ahead delay) at the template's size, frame
 * rate and bitrate, keyframes forced at every GOP boundary of stream time (so every rendition of a source starts its
 * HLS segments at the same instants), AAC audio; FLV over RTMP to the node's own port.
 */
public final class TranscodeArguments {
    private TranscodeArguments() {
    }

    /**
     * @param readUrl    where the source is read (the node's RTMP port with an internal token)
     * @param publishUrl where the rendition is published
     */
    public static List<String> of(TranscodeTemplate t, String readUrl, String publishUrl) {
        List<String> a = new ArrayList<>();
        // a source that stalls longer than its grace period has ended; a read that never returns must not hang the job
        a.addAll(List.of("-rw_timeout", "15000000", "-i", readUrl));
        a.addAll(List.of("-map", "0:v:0?", "-map", "0:a:0?"));
        // height only: never above the source's (no upscaling), even, the width following the aspect ratio
        String size = t.width() == 0 ? "w=-2:h='trunc(min(" + t.height() + ",ih)/2)*2'" : t.width() + ":" + t.height();
        a.addAll(List.of("-vf", "scale=" + size + ":flags=bicubic,format=yuv420p", "-r", String.valueOf(t.fps())));
        String kbps = t.videoKbps() + "k";
        double gopSeconds = (double) t.gopFrames() / t.fps();
        a.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", t.videoProfile(),
                "-b:v", kbps, "-maxrate", kbps, "-bufsize", (t.videoKbps() * 2) + "k",
                "-g", String.valueOf(t.gopFrames()), "-keyint_min", String.valueOf(t.gopFrames()), "-sc_threshold", "0",
                "-force_key_frames", "expr:gte(t,n_forced*" + gopSeconds + ")"));
        a.addAll(List.of("-c:a", "aac", "-b:a", t.audioKbps() + "k", "-ar", String.valueOf(t.audioRate()),
                "-ac", String.valueOf(t.audioChannels())));
        a.addAll(List.of("-f", "flv", publishUrl));
        return a;
    }
}
