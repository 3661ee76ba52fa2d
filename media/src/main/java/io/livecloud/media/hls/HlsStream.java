package io.livecloud.media.hls;

import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The HLS side of one live stream: its finished segments in memory and the playlist state. One packager writes
 * (on its event loop), any number of HTTP requests read (on theirs); the monitor guards everything, and a segment is
 * handed out as a retained duplicate under it, so eviction can never free bytes a response still sends.
 * The sequence numbers run on across publisher reconnects and even across a stream ending and coming back while
 * its playlist is still kept, with a discontinuity at each join, so players that keep polling never go backwards.
 */
public final class HlsStream {
    /** Segments that left the playlist stay fetchable this much longer, for players that loaded it just before. */
    private static final int KEPT_BEYOND_WINDOW = 2;

    private final StreamKey key;
    private final HlsSettings settings;
    private final MediaMetrics metrics;
    private final ArrayDeque<HlsSegment> segments = new ArrayDeque<>();
    private final List<Runnable> waiters = new ArrayList<>();
    private long nextSequence;
    private long discontinuities;
    private long targetSeconds;
    private long bytes;
    private boolean ended;
    private long endedAt;
    private boolean released;
    private HlsPackager writer;
    private final LlHlsStream ll;
    private volatile Format format = Format.UNKNOWN;

    /**
     * What a master playlist says of the stream: the picture size from its SPS and the RFC 6381 codec strings from its
     * decoder configurations (null when the stream has no such track or it is not known yet).
     */
    public record Format(int width, int height, String videoCodec, String audioCodec) {
        static final Format UNKNOWN = new Format(0, 0, null, null);

        /** {@code avc1.64001f,mp4a.40.2}, or null when neither is known. */
        public String codecs() {
            if (videoCodec == null && audioCodec == null) {
                return null;
            }
            return videoCodec == null ? audioCodec : audioCodec == null ? videoCodec : videoCodec + "," + audioCodec;
        }

        Format withVideo(int w, int h, String codec) {
            return new Format(w, h, codec, audioCodec);
        }

        Format withAudio(String codec) {
            return new Format(width, height, videoCodec, codec);
        }
    }

    public Format format() {
        return format;
    }

    void format(Format value) {
        format = value;
    }

    HlsStream(StreamKey key, HlsSettings settings, MediaMetrics metrics) {
        this.key = key;
        this.settings = settings;
        this.metrics = metrics;
        this.targetSeconds = Math.max(1, Math.round(settings.targetSegmentMillis() / 1000.0));
        this.ll = new LlHlsStream(settings, metrics);
    }

    /** The same stream as low-latency HLS (CMAF parts), written by the same packager. */
    public LlHlsStream ll() {
        return ll;
    }

    public StreamKey key() {
        return key;
    }

    /**
     * Makes {@code packager} the writer.
     *
     * @return true when segments were written before, so the packager's first segment is a discontinuity
     */
    synchronized boolean claim(HlsPackager packager) {
        writer = packager;
        ended = false;
        ll.claim(packager);
        return nextSequence > 0;
    }

    /** The packager writing now, or null when the stream ended. */
    synchronized HlsPackager writer() {
        return ended || released ? null : writer;
    }

    /** Takes ownership of {@code data}. A writer that lost its claim has its segment dropped. */
    synchronized void add(HlsPackager packager, long durationMillis, boolean discontinuity, long startedAtMillis, ByteBuf data) {
        if (writer != packager || released) {
            data.release();
            return;
        }
        HlsSegment segment = new HlsSegment(nextSequence++, durationMillis, discontinuity, startedAtMillis, data);
        segments.addLast(segment);
        if (discontinuity) {
            discontinuities++;
        }
        long rounded = Math.round(durationMillis / 1000.0);
        targetSeconds = Math.max(targetSeconds, rounded); // never shrinks: RFC 8216 §6.2.1
        account(data.readableBytes());
        while (segments.size() > settings.windowSegments() + KEPT_BEYOND_WINDOW
                || (bytes > settings.maxBytesPerStream() && segments.size() > 1)) {
            HlsSegment old = segments.removeFirst();
            account(-old.data().readableBytes());
            old.data().release();
        }
        wakeWaiters();
    }

    /** The writer is done: the playlist gets {@code #EXT-X-ENDLIST}. */
    synchronized void end(HlsPackager packager, long now) {
        if (writer == packager && !ended) {
            ended = true;
            endedAt = now;
            ll.end(packager);
            wakeWaiters();
        }
    }

    /** True when ended at least {@code retentionMillis} ago (and not taken over since). */
    synchronized boolean expired(long now, long retentionMillis) {
        return ended && now - endedAt >= retentionMillis;
    }

    public synchronized boolean hasSegments() {
        return !segments.isEmpty();
    }

    public synchronized boolean isEnded() {
        return ended;
    }

    /**
     * Runs {@code ready} (on the caller's terms: it must hand off to its own thread) when the first segment exists
     * or the stream ends.
     *
     * @return false when that is already so: nothing was registered
     */
    public synchronized boolean whenReady(Runnable ready) {
        if (!segments.isEmpty() || ended || released) {
            return false;
        }
        waiters.add(ready);
        return true;
    }

    public synchronized void cancelWait(Runnable ready) {
        waiters.remove(ready);
    }

    private void wakeWaiters() {
        if (!waiters.isEmpty()) {
            List<Runnable> ready = List.copyOf(waiters);
            waiters.clear();
            ready.forEach(Runnable::run);
        }
    }

    public synchronized HlsPlaylist playlist() {
        int listed = Math.min(segments.size(), settings.windowSegments());
        List<HlsPlaylist.Entry> entries = new ArrayList<>(listed);
        long discontinuitiesListed = 0;
        int skip = segments.size() - listed;
        for (HlsSegment s : segments) {
            if (skip-- > 0) {
                continue;
            }
            entries.add(new HlsPlaylist.Entry(s.sequence(), s.durationMillis(), s.discontinuity(), s.startedAtMillis()));
            if (s.discontinuity()) {
                discontinuitiesListed++;
            }
        }
        long first = entries.isEmpty() ? nextSequence : entries.get(0).sequence();
        return new HlsPlaylist(targetSeconds, first, discontinuities - discontinuitiesListed, List.copyOf(entries), ended);
    }

    /** A retained duplicate of segment {@code sequence}'s bytes (the caller releases it), or null when not held. */
    public synchronized ByteBuf segment(long sequence) {
        for (HlsSegment s : segments) {
            if (s.sequence() == sequence) {
                return s.data().retainedDuplicate();
            }
        }
        return null;
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Frees every segment; the stream is unusable afterwards. */
    synchronized void release() {
        released = true;
        for (HlsSegment s : segments) {
            account(-s.data().readableBytes());
            s.data().release();
        }
        segments.clear();
        ll.release();
        wakeWaiters();
    }

    private void account(long delta) {
        bytes += delta;
        metrics.hlsSegmentBytes.add(delta);
    }
}
