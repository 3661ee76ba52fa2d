package io.livecloud.media.hls;

import io.livecloud.media.codec.AacConfig;
import io.livecloud.media.codec.VideoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The low-latency half of a packager: the same frames, the same segment boundaries as the TS segments, cut further
 * into partial segments of about {@code hls.partMillis} (each one fMP4 fragment), written to an {@link LlHlsStream}.
 * A part is closed by the first frame that would make it longer than the part target, so part durations stay within
 * it; sample durations come from the next sample's timestamp (the last audio sample of a part: one AAC frame).
 */
final class CmafPackaging {
    private final HlsPackager owner;
    private final LlHlsStream out;
    private final HlsSettings settings;
    private final ByteBufAllocator alloc;

    private VideoCodec videoCodec;
    private byte[] videoRecord;
    private int width;
    private int height;
    private byte[] audioSpecificConfig;
    private AacConfig aac;
    private Fmp4Writer.Tracks tracks;
    private int initVersion = -1;

    private boolean segmentOpen;
    private long segmentStart;
    private long partStart;
    private long fragmentSequence;
    private final List<Pending> video = new ArrayList<>();
    private final List<Pending> audio = new ArrayList<>();

    private record Pending(ByteBuf data, long ts, int cts, boolean key) {
    }

    CmafPackaging(HlsPackager owner, LlHlsStream out, HlsSettings settings, ByteBufAllocator alloc) {
        this.owner = owner;
        this.out = out;
        this.settings = settings;
        this.alloc = alloc;
    }

    /** @param from where the (already validated) decoder configuration record starts */
    void videoConfig(VideoCodec codec, ByteBuf body, int from) {
        videoCodec = codec == VideoCodec.AVC || codec == VideoCodec.HEVC ? codec : null;
        videoRecord = new byte[body.writerIndex() - from];
        body.getBytes(from, videoRecord);
    }

    void videoDimensions(int w, int h) {
        width = w;
        height = h;
    }

    void audioConfig(AacConfig config, ByteBuf body, int from) {
        aac = config;
        audioSpecificConfig = new byte[body.writerIndex() - from];
        body.getBytes(from, audioSpecificConfig);
    }

    /** The audio is not AAC (MP3): fMP4 parts carry the video only. */
    void noAudio() {
        aac = null;
        audioSpecificConfig = null;
    }

    /** A segment boundary at {@code ts} (the TS segments cut there too). */
    void startSegment(long ts, boolean discontinuity, long startedAtMillis) {
        if (segmentOpen) {
            closePart(ts);
            out.completeSegment(owner, ts - segmentStart, alloc);
        }
        Fmp4Writer.Tracks now = new Fmp4Writer.Tracks(
                videoCodec == null ? null : videoCodec == VideoCodec.HEVC ? "hvc1" : "avc1", videoRecord, width, height,
                audioSpecificConfig, aac == null ? 0 : aac.sampleRate(), aac == null ? 0 : Math.max(1, aac.channelConfig()));
        if (tracks == null || !sameTracks(tracks, now)) {
            discontinuity |= tracks != null;
            tracks = now;
            initVersion++;
            out.addInit(owner, initVersion, Fmp4Writer.initSegment(alloc, now));
        }
        out.startSegment(owner, discontinuity, initVersion, startedAtMillis);
        segmentOpen = true;
        segmentStart = ts;
        partStart = ts;
    }

    void video(ByteBuf body, int from, long ts, int compositionTime, boolean keyframe, long frameInterval) {
        if (!segmentOpen || !tracks.hasVideo()) {
            return;
        }
        if (!video.isEmpty() && partDue(ts, frameInterval)) {
            closePart(ts);
        }
        video.add(new Pending(body.retainedSlice(from, body.writerIndex() - from), ts, compositionTime, keyframe));
    }

    void audio(ByteBuf body, int from, long ts, boolean audioOnly) {
        if (!segmentOpen || !tracks.hasAudio()) {
            return;
        }
        if (audioOnly && !audio.isEmpty() && partDue(ts, audioFrameMillis())) {
            closePart(ts);
        }
        audio.add(new Pending(body.retainedSlice(from, body.writerIndex() - from), ts, 0, true));
    }

    private boolean partDue(long ts, long frameInterval) {
        return ts - partStart + frameInterval / 2 >= settings.partTargetMillis();
    }

    private long audioFrameMillis() {
        return aac == null ? 23 : 1024_000L / aac.sampleRate();
    }

    /** Writes the samples gathered since the last part as one fragment ending at {@code boundary}. */
    private void closePart(long boundary) {
        if (video.isEmpty() && audio.isEmpty()) {
            return;
        }
        List<Fmp4Writer.Sample> v = samples(video, boundary, true);
        List<Fmp4Writer.Sample> a = samples(audio, boundary, false);
        boolean independent = video.isEmpty() ? true : video.get(0).key();
        ByteBuf fragment = Fmp4Writer.fragment(alloc, ++fragmentSequence, v, a);
        video.forEach(p -> p.data().release());
        audio.forEach(p -> p.data().release());
        video.clear();
        audio.clear();
        out.addPart(owner, Math.max(1, boundary - partStart), independent, fragment);
        partStart = boundary;
    }

    private List<Fmp4Writer.Sample> samples(List<Pending> pending, long boundary, boolean isVideo) {
        List<Fmp4Writer.Sample> samples = new ArrayList<>(pending.size());
        int nominalAudio = aac == null ? 1920 : (int) Math.round(1024 * 90_000.0 / aac.sampleRate());
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            int duration;
            if (i + 1 < pending.size()) {
                duration = (int) ((pending.get(i + 1).ts() - p.ts()) * 90);
            } else if (isVideo) {
                duration = (int) (Math.max(1, boundary - p.ts()) * 90);
            } else {
                duration = nominalAudio;
            }
            samples.add(new Fmp4Writer.Sample(p.data(), p.ts() * 90, p.cts() * 90, Math.max(1, duration), p.key()));
        }
        return samples;
    }

    /** The stream is over: the open part and segment are finished at {@code lastTs + frameInterval}. */
    void end(long lastTs, long frameInterval) {
        if (segmentOpen) {
            long boundary = lastTs + frameInterval;
            closePart(boundary);
            out.completeSegment(owner, boundary - segmentStart, alloc);
        }
        discard();
    }

    /** Frees the samples of the open part without writing them. */
    void discard() {
        video.forEach(p -> p.data().release());
        audio.forEach(p -> p.data().release());
        video.clear();
        audio.clear();
        segmentOpen = false;
    }

    private static boolean sameTracks(Fmp4Writer.Tracks a, Fmp4Writer.Tracks b) {
        return java.util.Objects.equals(a.videoCodec(), b.videoCodec()) && Arrays.equals(a.videoConfig(), b.videoConfig())
                && Arrays.equals(a.audioConfig(), b.audioConfig()) && a.width() == b.width() && a.height() == b.height();
    }
}
