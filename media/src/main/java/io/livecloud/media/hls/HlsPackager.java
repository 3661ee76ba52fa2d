package io.livecloud.media.hls;

import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.codec.AacConfig;
import io.livecloud.media.codec.AudioCodec;
import io.livecloud.media.codec.AudioTag;
import io.livecloud.media.codec.ParameterSets;
import io.livecloud.media.codec.VideoCodec;
import io.livecloud.media.codec.VideoDimensions;
import io.livecloud.media.codec.VideoTag;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.MediaFrame;
import io.livecloud.media.hub.MediaMetrics;
import io.livecloud.media.hub.Subscriber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Cuts one live stream into MPEG-TS segments: an internal subscriber of the {@link LiveStream} that takes every
 * frame (it is never skipped like a slow player), opens a segment at a keyframe, and closes it at the first keyframe
 * at least the target duration later (audio-only streams: at any audio frame). A new sequence header after media
 * (a publisher reconnect, an encoder change) starts a new segment flagged as a discontinuity.
 */
final class HlsPackager implements Subscriber {
    private static final Logger log = LoggerFactory.getLogger(HlsPackager.class);
    /** PTS/DTS run this far ahead of the PCR, so every access unit arrives before it is due. */
    private static final long PTS_LEAD_90KHZ = 90 * 200;
    /** A segment without a keyframe in sight is cut anyway once it is this many targets long. */
    private static final int FORCED_CUT_TARGETS = 6;

    private final HlsStream target;
    private final LiveStream source;
    private final EventLoop loop;
    private final HlsSettings settings;
    private final MediaMetrics metrics;
    private final ByteBufAllocator alloc;
    private final Consumer<HlsPackager> finished;

    private ParameterSets video;
    private AacConfig aac;
    private boolean mp3;
    private boolean unsupportedLogged;
    private boolean mediaSinceConfig;
    private boolean discontinuityPending;

    private TsMuxer muxer;
    private SegmentBuffer segment;
    private long segmentStart;
    private long segmentStartedAt;
    private boolean segmentDiscontinuity;
    private long lastTimestamp = -1;
    private long lastPacedTimestamp = -1;
    /** The interval between frames of the pacing track, for the duration of the last one. */
    private long frameInterval = 40;
    private ByteBuf scratch;
    private final CmafPackaging cmaf;
    private boolean closed;
    private boolean internalErrorLogged;

    HlsPackager(HlsStream target, LiveStream source, EventLoop loop, HlsSettings settings, MediaMetrics metrics,
                ByteBufAllocator alloc, Consumer<HlsPackager> finished) {
        this.target = target;
        this.source = source;
        this.loop = loop;
        this.settings = settings;
        this.metrics = metrics;
        this.alloc = alloc;
        this.finished = finished;
        this.discontinuityPending = target.claim(this);
        this.cmaf = new CmafPackaging(this, target.ll(), settings, alloc);
    }

    HlsStream target() {
        return target;
    }

    LiveStream source() {
        return source;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public boolean isViewer() {
        return false;
    }

    @Override
    public void onStart(boolean hasAudio, boolean hasVideo) {
    }

    @Override
    public void onFrame(MediaFrame frame) {
        if (closed) {
            return;
        }
        try {
            if (frame.isVideo()) {
                onVideo(frame);
            } else if (frame.isAudio()) {
                onAudio(frame);
            }
        } catch (MediaProtocolException e) {
            metrics.protocolErrors.increment();
            log.debug("{}: HLS dropped a frame: {}", target.key(), e.getMessage());
        } catch (RuntimeException e) {
            // a bug here must not reach the publisher's session or the other subscribers of the loop
            metrics.internalErrors.increment();
            if (!internalErrorLogged) {
                internalErrorLogged = true;
                log.error("{}: HLS packaging failed on {}; frames that fail are dropped", target.key(), frame, e);
            }
        }
    }

    private void onVideo(MediaFrame frame) {
        ByteBuf body = frame.body();
        VideoTag tag = VideoTag.parse(body);
        if (tag.sequenceHeader()) {
            configChanged();
            int at = body.readerIndex() + tag.dataOffset();
            video = switch (tag.codec()) {
                case AVC -> ParameterSets.avc(body, at);
                case HEVC -> ParameterSets.hevc(body, at);
                default -> {
                    unsupported("video codec " + tag.codec());
                    yield null;
                }
            };
            if (video != null) {
                cmaf.videoConfig(tag.codec(), body, at); // after the parse: the record is known to be whole
                dimensions(video);
            }
            return;
        }
        if (video == null || !tag.codedFrame() || tag.codec() != video.codec()) {
            return;
        }
        long ts = frame.timestamp();
        boolean keyframe = tag.isKeyframe();
        if (keyframe && (segment == null || dueForCut(ts))) {
            cut(ts);
        } else if (segment != null && forcedCutDue(ts)) {
            cut(ts);
        }
        if (segment == null) {
            return; // waiting for the first keyframe
        }
        ByteBuf au = scratch();
        AccessUnits.writeVideo(au, body, body.readerIndex() + tag.dataOffset(), video, keyframe);
        long dts = ts * 90 + PTS_LEAD_90KHZ;
        long pts = dts + tag.compositionTime() * 90L;
        muxer.writePes(segment, true, pts, dts, ts * 90, keyframe, au);
        cmaf.video(body, body.readerIndex() + tag.dataOffset(), ts, tag.compositionTime(), keyframe, frameInterval);
        advance(ts, true);
    }

    private void onAudio(MediaFrame frame) {
        ByteBuf body = frame.body();
        AudioTag tag = AudioTag.parse(body);
        if (tag.sequenceHeader()) {
            configChanged();
            if (tag.codec() == AudioCodec.AAC) {
                int at = body.readerIndex() + tag.dataOffset();
                aac = AacConfig.parse(body, at);
                cmaf.audioConfig(aac, body, at);
                target.format(target.format().withAudio("mp4a.40." + aac.objectType()));
            }
            return;
        }
        if (tag.codec() == AudioCodec.MP3 && !tag.enhanced()) {
            if (!mp3) {
                configChanged();
                mp3 = true;
                cmaf.noAudio();
                target.format(target.format().withAudio("mp4a.40.34"));
            }
        } else if (tag.codec() != AudioCodec.AAC || aac == null) {
            if (tag.codec() != AudioCodec.AAC) {
                unsupported("audio codec " + tag.codec());
            }
            return;
        }
        long ts = frame.timestamp();
        if (video == null && (segment == null || dueForCut(ts))) {
            cut(ts);
        }
        if (segment == null) {
            return; // video streams start at a keyframe
        }
        ByteBuf au = scratch();
        int from = body.readerIndex() + tag.dataOffset();
        if (mp3) {
            au.writeBytes(body, from, body.writerIndex() - from);
        } else {
            AccessUnits.writeAac(au, body, from, aac);
        }
        long pts = ts * 90 + PTS_LEAD_90KHZ;
        muxer.writePes(segment, false, pts, pts, video == null ? ts * 90 : -1, video == null, au);
        if (!mp3) {
            cmaf.audio(body, from, ts, video == null);
        }
        advance(ts, video == null);
    }

    /** The picture size from the SPS, which the fMP4 sample entry must state (browsers refuse 0×0). */
    private void dimensions(ParameterSets ps) {
        try {
            VideoDimensions d = VideoDimensions.of(ps);
            cmaf.videoDimensions(d.width(), d.height());
            target.format(target.format().withVideo(d.width(), d.height(), codecString(ps)));
        } catch (MediaProtocolException e) {
            log.debug("{}: SPS not understood: {}", target.key(), e.getMessage());
        }
    }

    /**
     * RFC 6381: {@code avc1.PPCCLL} from the SPS (profile, constraint flags, level); HEVC as {@code hvc1} alone (its
     * full string needs fields a master playlist can do without).
     */
    private static String codecString(ParameterSets ps) {
        if (ps.codec() == io.livecloud.media.codec.VideoCodec.AVC) {
            for (byte[] nal : ps.nalUnits()) {
                if (nal.length >= 4 && (nal[0] & 0x1f) == 7) {
                    return String.format("avc1.%02x%02x%02x", nal[1] & 0xff, nal[2] & 0xff, nal[3] & 0xff);
                }
            }
            return null;
        }
        return "hvc1";
    }

    private void configChanged() {
        if (mediaSinceConfig) {
            discontinuityPending = true;
            mediaSinceConfig = false;
        }
    }

    private boolean dueForCut(long ts) {
        return ts - segmentStart >= settings.targetSegmentMillis() || discontinuityPending;
    }

    private boolean forcedCutDue(long ts) {
        return ts - segmentStart >= FORCED_CUT_TARGETS * settings.targetSegmentMillis();
    }

    /** Closes the open segment (if any) at {@code ts} and opens the next one there. */
    private void cut(long ts) {
        if (segment != null) {
            closeSegment(ts - segmentStart);
        }
        int videoType = video == null ? 0
                : video.codec() == VideoCodec.HEVC ? TsMuxer.STREAM_TYPE_HEVC : TsMuxer.STREAM_TYPE_H264;
        int audioType = mp3 ? TsMuxer.STREAM_TYPE_MPEG1_AUDIO : aac != null ? TsMuxer.STREAM_TYPE_AAC_ADTS : 0;
        if (muxer == null || muxer.videoStreamType() != videoType || muxer.audioStreamType() != audioType) {
            if (muxer != null) {
                discontinuityPending = true;
            }
            muxer = new TsMuxer(videoType, audioType);
        }
        segment = new SegmentBuffer(alloc);
        segmentStart = ts;
        segmentStartedAt = System.currentTimeMillis();
        segmentDiscontinuity = discontinuityPending;
        discontinuityPending = false;
        muxer.writeTables(segment);
        cmaf.startSegment(ts, segmentDiscontinuity, segmentStartedAt);
    }

    private void closeSegment(long durationMillis) {
        target.add(this, Math.max(1, durationMillis), segmentDiscontinuity, segmentStartedAt, segment.finish());
        segment = null;
    }

    /** @param paced the frame belongs to the track that paces the stream (video, or audio when there is none) */
    private void advance(long ts, boolean paced) {
        if (paced) {
            if (lastPacedTimestamp >= 0 && ts > lastPacedTimestamp) {
                frameInterval = Math.min(ts - lastPacedTimestamp, 1000);
            }
            lastPacedTimestamp = ts;
        }
        lastTimestamp = Math.max(lastTimestamp, ts);
        mediaSinceConfig = true;
    }

    private ByteBuf scratch() {
        if (scratch == null) {
            scratch = alloc.buffer(64 << 10);
        }
        return scratch.clear();
    }

    private void unsupported(String what) {
        if (!unsupportedLogged) {
            unsupportedLogged = true;
            log.warn("{}: {} cannot be carried in MPEG-TS HLS; that track is left out", target.key(), what);
        }
    }

    /**
     * The node is shutting down: stop taking frames and free everything held, without writing anything more.
     * Runs on the packager's loop.
     */
    void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        if (source != null) {
            source.leave(this);
        }
        if (segment != null) {
            segment.discard();
            segment = null;
        }
        cmaf.discard();
        if (scratch != null) {
            scratch.release();
            scratch = null;
        }
    }

    @Override
    public void onEnd(EndReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (segment != null) {
            closeSegment(lastTimestamp - segmentStart + frameInterval);
        }
        cmaf.end(lastTimestamp, frameInterval);
        if (scratch != null) {
            scratch.release();
            scratch = null;
        }
        target.end(this, System.currentTimeMillis());
        finished.accept(this);
    }
}
