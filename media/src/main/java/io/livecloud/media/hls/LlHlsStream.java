package io.livecloud.media.hls;

import io.livecloud.media.StreamGate;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The low-latency HLS side of one live stream: CMAF segments made of partial segments (fMP4 fragments), the init
 * segments they refer to, and the playlist with {@code EXT-X-PART}, {@code EXT-X-PRELOAD-HINT} and blocking reload.
 * Written by the packager on its loop, read by HTTP requests on theirs; the monitor guards everything, and bytes
 * leave only as retained duplicates taken under it.
 */
public final class LlHlsStream {
    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    /** Parts are listed for this many of the newest segments; older ones appear as whole segments only. */
    private static final int SEGMENTS_WITH_PARTS = 3;
    private static final int KEPT_BEYOND_WINDOW = 2;

    record Part(int index, long durationMillis, boolean independent, ByteBuf data) {
    }

    private static final class Segment {
        final long msn;
        final boolean discontinuity;
        final int initVersion;
        final long startedAtMillis;
        final List<Part> parts = new ArrayList<>();
        long durationMillis;
        boolean complete;
        ByteBuf whole;

        Segment(long msn, boolean discontinuity, int initVersion, long startedAtMillis) {
            this.msn = msn;
            this.discontinuity = discontinuity;
            this.initVersion = initVersion;
            this.startedAtMillis = startedAtMillis;
        }

        long bytes() {
            long n = 0;
            for (Part p : parts) {
                n += p.data().readableBytes();
            }
            return n;
        }
    }

    /** A playlist request waiting for a part or segment to exist (blocking reload) or a part to be written. */
    public interface Waiter {
        /** Called under the stream's monitor when something was added: hand off, do not answer here. */
        void changed();
    }

    private final HlsSettings settings;
    private final MediaMetrics metrics;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final java.util.Map<Integer, ByteBuf> inits = new java.util.HashMap<>();
    private Segment open;
    private long nextMsn;
    private long discontinuities;
    private long targetSeconds;
    private long bytes;
    private boolean ended;
    private boolean released;

    LlHlsStream(HlsSettings settings, MediaMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.targetSeconds = Math.max(1, Math.round(settings.targetSegmentMillis() / 1000.0));
    }

    // ---- writer side (the packager) ----------------------------------------------------------------------

    private HlsPackager writer;

    /** Called by {@link HlsStream#claim}: only {@code packager} writes from now on. */
    synchronized void claim(HlsPackager packager) {
        writer = packager;
        ended = false;
    }

    /** Takes ownership of {@code data}: the init segment fragments of version {@code version} refer to. */
    synchronized void addInit(HlsPackager from, int version, ByteBuf data) {
        if (released || from != writer) {
            data.release();
            return;
        }
        ByteBuf old = inits.put(version, data);
        if (old != null) {
            old.release();
        }
    }

    synchronized void startSegment(HlsPackager from, boolean discontinuity, int initVersion, long startedAtMillis) {
        if (released || from != writer) {
            return;
        }
        open = new Segment(nextMsn++, discontinuity, initVersion, startedAtMillis);
        segments.addLast(open);
        if (discontinuity) {
            discontinuities++;
        }
        trim();
        wake();
    }

    /** Takes ownership of {@code data}. */
    synchronized void addPart(HlsPackager from, long durationMillis, boolean independent, ByteBuf data) {
        if (released || open == null || from != writer) {
            data.release();
            return;
        }
        open.parts.add(new Part(open.parts.size(), durationMillis, independent, data));
        account(data.readableBytes());
        wake();
    }

    synchronized void completeSegment(HlsPackager from, long durationMillis, ByteBufAllocator alloc) {
        if (open == null || from != writer) {
            return;
        }
        Segment s = open;
        open = null;
        if (s.parts.isEmpty()) {
            segments.remove(s);
            nextMsn--;
            if (s.discontinuity) {
                discontinuities--;
            }
            return;
        }
        s.durationMillis = Math.max(1, durationMillis);
        s.complete = true;
        CompositeByteBuf whole = alloc.compositeBuffer(s.parts.size());
        for (Part p : s.parts) {
            whole.addComponent(true, p.data().retainedDuplicate());
        }
        s.whole = whole; // shares the parts' memory: not counted again
        targetSeconds = Math.max(targetSeconds, Math.round(s.durationMillis / 1000.0));
        wake();
    }

    synchronized void end(HlsPackager from) {
        if (from == writer) {
            ended = true;
            wake();
        }
    }

    private void trim() {
        while (segments.size() > settings.windowSegments() + KEPT_BEYOND_WINDOW + 1
                || (bytes > settings.maxBytesPerStream() && segments.size() > 2)) {
            drop(segments.removeFirst());
        }
        // init versions no listed segment uses any more
        long oldestInit = segments.isEmpty() ? Long.MAX_VALUE : segments.peekFirst().initVersion;
        inits.entrySet().removeIf(e -> {
            if (e.getKey() < oldestInit) {
                e.getValue().release();
                return true;
            }
            return false;
        });
    }

    private void drop(Segment s) {
        for (Part p : s.parts) {
            account(-p.data().readableBytes());
            p.data().release();
        }
        if (s.whole != null) {
            s.whole.release();
        }
    }

    private void account(long delta) {
        bytes += delta;
        metrics.hlsSegmentBytes.add(delta);
    }

    private void wake() {
        if (!waiters.isEmpty()) {
            for (Waiter w : List.copyOf(waiters)) {
                w.changed();
            }
        }
    }

    synchronized void release() {
        released = true;
        for (Segment s : segments) {
            drop(s);
        }
        segments.clear();
        open = null;
        inits.values().forEach(ByteBuf::release);
        inits.clear();
        wake();
    }

    // ---- reader side (HTTP) -------------------------------------------------------------------------------

    public synchronized void addWaiter(Waiter w) {
        waiters.add(w);
    }

    public synchronized void removeWaiter(Waiter w) {
        waiters.remove(w);
    }

    public synchronized boolean isEnded() {
        return ended || released;
    }

    /** True once the playlist has something to list (a first part). */
    public synchronized boolean hasParts() {
        for (Segment s : segments) {
            if (!s.parts.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The newest media sequence number, -1 when none. */
    public synchronized long lastMsn() {
        return segments.isEmpty() ? -1 : segments.peekLast().msn;
    }

    /** Parts the newest segment has so far. */
    public synchronized int lastPartCount() {
        return segments.isEmpty() ? 0 : segments.peekLast().parts.size();
    }

    /**
     * Whether a blocking reload for {@code msn} (and {@code part}, or -1 for the whole segment) can be answered:
     * RFC 8216bis §6.2.5.2 — the playlist holds that part, or a later one.
     */
    public synchronized boolean holds(long msn, int part) {
        for (Iterator<Segment> it = segments.descendingIterator(); it.hasNext(); ) {
            Segment s = it.next();
            if (s.msn > msn && !s.parts.isEmpty()) {
                return true;
            }
            if (s.msn == msn) {
                // a part past the end of a finished segment means the next segment's first part (checked above)
                return part < 0 ? s.complete : s.parts.size() > part;
            }
        }
        return ended;
    }

    /** A retained duplicate of a part ({@code part} ≥ 0), a whole segment (-1), or null when not held. */
    public synchronized ByteBuf media(long msn, int part) {
        for (Segment s : segments) {
            if (s.msn == msn) {
                if (part < 0) {
                    return s.whole != null ? s.whole.retainedDuplicate() : null;
                }
                return part < s.parts.size() ? s.parts.get(part).data().retainedDuplicate() : null;
            }
        }
        return null;
    }

    public synchronized ByteBuf init(int version) {
        ByteBuf b = inits.get(version);
        return b == null ? null : b.retainedDuplicate();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /**
     * The playlist. URIs are relative to {@code /{app}/{stream}/ll.m3u8} and signed for their own path under
     * {@code pathPrefix} ({@code /{app}/{stream}/}).
     */
    public synchronized String render(String pathPrefix, StreamGate.UriSigner signer) {
        double partTarget = settings.partTargetMillis() / 1000.0;
        List<Segment> listed = new ArrayList<>(segments);
        int listedCount = Math.min(listed.size(), settings.windowSegments() + 1); // + the open one
        listed = listed.subList(listed.size() - listedCount, listed.size());
        long discontinuitiesListed = listed.stream().filter(s -> s.discontinuity).count();
        StringBuilder m3u8 = new StringBuilder(512 + 160 * listed.size() * 4);
        m3u8.append("#EXTM3U\n#EXT-X-VERSION:9\n");
        m3u8.append("#EXT-X-TARGETDURATION:").append(targetSeconds).append('\n');
        m3u8.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=")
                .append(decimal(3 * partTarget)).append('\n');
        m3u8.append("#EXT-X-PART-INF:PART-TARGET=").append(decimal(partTarget)).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(listed.isEmpty() ? nextMsn : listed.get(0).msn).append('\n');
        if (discontinuities - discontinuitiesListed > 0) {
            m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuities - discontinuitiesListed).append('\n');
        }
        int mapped = -1;
        int withParts = listed.size() - SEGMENTS_WITH_PARTS;
        for (int i = 0; i < listed.size(); i++) {
            Segment s = listed.get(i);
            if (s.parts.isEmpty()) {
                continue;
            }
            if (s.discontinuity) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            if (s.initVersion != mapped) {
                String init = "init" + s.initVersion + ".mp4";
                m3u8.append("#EXT-X-MAP:URI=\"").append(init).append(signer.query(pathPrefix + init)).append("\"\n");
                mapped = s.initVersion;
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(PROGRAM_DATE_TIME.format(Instant.ofEpochMilli(s.startedAtMillis))).append('\n');
            if (i >= withParts) {
                for (Part p : s.parts) {
                    String uri = s.msn + "." + p.index() + ".m4s";
                    m3u8.append("#EXT-X-PART:DURATION=").append(decimal(p.durationMillis() / 1000.0))
                            .append(",URI=\"").append(uri).append(signer.query(pathPrefix + uri)).append('"');
                    if (p.independent()) {
                        m3u8.append(",INDEPENDENT=YES");
                    }
                    m3u8.append('\n');
                }
            }
            if (s.complete) {
                String uri = s.msn + ".m4s";
                m3u8.append("#EXTINF:").append(decimal(s.durationMillis / 1000.0)).append(",\n")
                        .append(uri).append(signer.query(pathPrefix + uri)).append('\n');
            }
        }
        if (ended || released) {
            m3u8.append("#EXT-X-ENDLIST\n");
        } else if (!listed.isEmpty()) {
            Segment last = listed.get(listed.size() - 1);
            String hint = last.complete ? (last.msn + 1) + ".0.m4s" : last.msn + "." + last.parts.size() + ".m4s";
            m3u8.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(hint).append(signer.query(pathPrefix + hint))
                    .append("\"\n");
        }
        return m3u8.toString();
    }

    private static String decimal(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
