package io.livecloud.media.hub;

import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.codec.AudioCodec;
import io.livecloud.media.codec.AudioTag;
import io.livecloud.media.codec.ParameterSets;
import io.livecloud.media.codec.VideoCodec;
import io.livecloud.media.codec.VideoDimensions;
import io.livecloud.media.codec.VideoTag;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * What a live stream carries, measured from its frames rather than trusted from the publisher's metadata: codecs,
 * the picture size from the SPS of the video sequence header, and the video frame rate and audio/video bitrates
 * over a sliding window of whole seconds of stream time.
 *
 * <p>Fed by {@link LiveStream} under the monitor it already holds for each published frame: one call per frame
 * that adds to a ring of per-second counters (no allocation, no lock of its own). When the stream clock enters a
 * new second, the figures of the last {@link #WINDOW_SECONDS} complete seconds are published as one immutable
 * {@link Snapshot} through a volatile field, which anyone may read from any thread. The first, usually partial,
 * second is left out, so figures appear about two seconds into a stream.
 */
public final class StreamStats {
    /** Seconds of stream time the rates are averaged over. */
    public static final int WINDOW_SECONDS = 5;
    private static final int RING = 8; // > WINDOW_SECONDS + 1: frames a little out of order still find their second

    /**
     * The figures at one moment; zeros where nothing was measured yet.
     *
     * @param videoCodecId FLV video codec id (7 H.264, 12 HEVC as Chinese CDNs use it); 0 when none or not legacy
     * @param audioCodecId FLV sound format (10 AAC, 2 MP3, …); 0 when none or not legacy
     * @param frameRate    video frames per second (coded frames, not sequence headers)
     */
    public record Snapshot(VideoCodec videoCodec, int videoCodecId, AudioCodec audioCodec, int audioCodecId,
                           int width, int height, double frameRate, long videoBitsPerSecond,
                           long audioBitsPerSecond) {
        public static final Snapshot EMPTY = new Snapshot(null, 0, null, 0, 0, 0, 0, 0, 0);
    }

    private final long[] second = new long[RING];
    private final long[] videoBytes = new long[RING];
    private final long[] audioBytes = new long[RING];
    private final int[] videoFrames = new int[RING];

    private long firstSecond = -1; // -1: nothing counted yet
    private long currentSecond = -1;
    private VideoCodec videoCodec;
    private int videoCodecId;
    private AudioCodec audioCodec;
    private int audioCodecId;
    private int width;
    private int height;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** The figures as of the last completed second of stream time. Any thread. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** A video tag of the stream (its body unread: absolute indexes only), at stream time {@code ts} ms. */
    void video(VideoTag tag, ByteBuf body, long ts) {
        if (videoCodec != tag.codec()) {
            videoCodec = tag.codec();
            videoCodecId = switch (tag.codec()) {
                case AVC -> 7;
                case HEVC -> 12;
                default -> tag.enhanced() ? 0 : body.getUnsignedByte(body.readerIndex()) & 0x0f;
            };
        }
        if (tag.sequenceHeader()) {
            dimensions(tag, body);
            return;
        }
        int slot = slot(ts);
        if (slot >= 0) {
            videoBytes[slot] += body.readableBytes();
            if (tag.codedFrame()) {
                videoFrames[slot]++;
            }
        }
    }

    /** An audio tag of the stream, at stream time {@code ts} ms. */
    void audio(AudioTag tag, ByteBuf body, long ts) {
        if (audioCodec != tag.codec()) {
            audioCodec = tag.codec();
            audioCodecId = switch (tag.codec()) {
                case AAC -> 10;
                case MP3 -> 2;
                default -> tag.enhanced() ? 0 : body.getUnsignedByte(body.readerIndex()) >> 4;
            };
        }
        if (tag.sequenceHeader()) {
            return;
        }
        int slot = slot(ts);
        if (slot >= 0) {
            audioBytes[slot] += body.readableBytes();
        }
    }

    /** The publisher is gone: the next one is measured afresh. */
    void reset() {
        clearCounters();
        firstSecond = -1;
        currentSecond = -1;
        videoCodec = null;
        videoCodecId = 0;
        audioCodec = null;
        audioCodecId = 0;
        width = 0;
        height = 0;
        snapshot = Snapshot.EMPTY;
    }

    /** The ring slot counting stream second {@code ts / 1000}, rolling the ring forward first; -1 when too old. */
    private int slot(long ts) {
        long s = Math.max(0, ts) / 1000;
        if (firstSecond < 0 || s + RING <= currentSecond) {
            // the first frame, or the clock jumped far back: measure afresh from here
            clearCounters();
            firstSecond = s;
            currentSecond = s;
            second[(int) (s % RING)] = s;
        } else if (s > currentSecond) {
            for (long n = Math.max(currentSecond + 1, s - RING + 1); n <= s; n++) {
                int i = (int) (n % RING);
                second[i] = n;
                videoBytes[i] = 0;
                audioBytes[i] = 0;
                videoFrames[i] = 0;
            }
            currentSecond = s;
            publishSnapshot();
        }
        int i = (int) (s % RING);
        return second[i] == s ? i : -1;
    }

    private void clearCounters() {
        Arrays.fill(second, -1);
        Arrays.fill(videoBytes, 0);
        Arrays.fill(audioBytes, 0);
        Arrays.fill(videoFrames, 0);
    }

    /** Publishes the figures of the complete seconds before the current one, the very first left out. */
    private void publishSnapshot() {
        long to = currentSecond - 1;
        long from = Math.max(to - WINDOW_SECONDS + 1, firstSecond + 1);
        if (to < from) {
            snapshot = new Snapshot(videoCodec, videoCodecId, audioCodec, audioCodecId, width, height, 0, 0, 0);
            return;
        }
        long v = 0;
        long a = 0;
        long frames = 0;
        for (long n = from; n <= to; n++) {
            int i = (int) (n % RING);
            if (second[i] == n) {
                v += videoBytes[i];
                a += audioBytes[i];
                frames += videoFrames[i];
            }
        }
        int seconds = (int) (to - from + 1);
        snapshot = new Snapshot(videoCodec, videoCodecId, audioCodec, audioCodecId, width, height,
                (double) frames / seconds, v * 8 / seconds, a * 8 / seconds);
    }

    /** Width and height from the SPS in an AVC/HEVC decoder configuration record; left as they were otherwise. */
    private void dimensions(VideoTag tag, ByteBuf body) {
        boolean hevc = tag.codec() == VideoCodec.HEVC;
        if (tag.codec() != VideoCodec.AVC && !hevc) {
            return;
        }
        try {
            int at = body.readerIndex() + tag.dataOffset();
            VideoDimensions d = VideoDimensions.of(hevc ? ParameterSets.hevc(body, at) : ParameterSets.avc(body, at));
            width = d.width();
            height = d.height();
        } catch (MediaProtocolException e) {
            // a configuration record or SPS we cannot read: the size stays unknown, the stream goes on
        }
    }
}
