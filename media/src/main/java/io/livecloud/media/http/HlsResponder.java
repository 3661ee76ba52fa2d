package io.livecloud.media.http;

import io.livecloud.media.Protocol;
import io.livecloud.media.StreamGate;
import io.livecloud.media.StreamRequest;
import io.livecloud.media.hls.HlsAdaptive;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.hls.HlsStream;
import io.livecloud.media.hls.HlsViewers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Answers HLS requests from memory: the playlist (signed per viewer) and segments. A playlist asked for while the
 * stream is live but its first segment is still being cut waits for it (a few seconds at most); a stream that is
 * not live answers 404 at once.
 */
final class HlsResponder {
    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    static final String SEGMENT_TYPE = "video/mp2t";
    /** Segments never change once listed; playlists change every segment, so players must not cache them. */
    static final String SEGMENT_CACHE = "public, max-age=3600";
    static final String PLAYLIST_CACHE = "no-cache";

    private final HlsService hls;
    private final HlsViewers viewers;
    private final LlHlsResponder lowLatency;

    HlsResponder(HlsService hls, HlsViewers viewers) {
        this.hls = hls;
        this.viewers = viewers;
        this.lowLatency = new LlHlsResponder(hls);
    }

    void respond(ChannelHandlerContext ctx, MediaPath path, StreamRequest request, StreamGate.Decision decision,
                 boolean head, boolean keepAlive) {
        HlsStream stream = hls.find(decision.key());
        if (stream == null && !path.isResource() && path.protocol() == Protocol.HLS) {
            java.util.List<HlsAdaptive.Variant> variants = hls.adaptive().variantsOf(decision.key());
            if (!variants.isEmpty()) {
                new MasterPlaylist(ctx, path, request, decision, variants, head, keepAlive).start();
                return;
            }
        }
        if (!path.isResource()) { // 0 at once when the stream has a publisher
            long waitMillis = hls.demand(decision.key());
            if (waitMillis > 0) { // started on demand (a lazy rendition): hold the playlist until the stream is there
                awaitStream(ctx, path, request, decision, head, keepAlive, System.currentTimeMillis() + waitMillis);
                return;
            }
        }
        if (stream == null) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "stream not found: " + request.describe(), keepAlive);
            return;
        }
        // the session is the playlist's: a segment request reports under the protocol of the playlist it came from
        HlsViewers.Viewer viewer = viewers.seen(request, decision.key(), System.currentTimeMillis());
        if (path.protocol() == Protocol.LL_HLS) {
            lowLatency.respond(ctx, stream.ll(), path, request, decision.signer(), head, keepAlive, viewer);
            return;
        }
        if (path.isResource()) {
            sendSegment(ctx, stream, path.resource().number(), request, head, keepAlive, viewer);
            return;
        }
        PendingPlaylist pending = new PendingPlaylist(ctx, stream, path, request, decision.signer(), head, keepAlive, viewer);
        if (!stream.whenReady(pending)) {
            pending.send();
            return;
        }
        long waitMillis = 3 * hls.settings().targetSegmentMillis();
        pending.timeout = ctx.executor().schedule(pending::timedOut, waitMillis, TimeUnit.MILLISECONDS);
    }

    /** Checks every {@value #DEMAND_POLL_MILLIS} ms, on the channel's loop, whether a stream started on demand is live. */
    private void awaitStream(ChannelHandlerContext ctx, MediaPath path, StreamRequest request,
                             StreamGate.Decision decision, boolean head, boolean keepAlive, long deadline) {
        ctx.executor().schedule(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            HlsStream stream = hls.find(decision.key());
            if (stream != null && !stream.isEnded() && hls.published(decision.key())) {
                respond(ctx, path, request, decision, head, keepAlive);
            } else if (System.currentTimeMillis() >= deadline) {
                HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "stream not found: " + request.describe(),
                        keepAlive);
            } else {
                awaitStream(ctx, path, request, decision, head, keepAlive, deadline);
            }
        }, DEMAND_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static final long DEMAND_POLL_MILLIS = 200;

    /** Sends {@code data} (owned by this call) as a 200 with the given type and caching; HEAD sends no body. */
    static void sendBody(ChannelHandlerContext ctx, ByteBuf data, String type, String cache, boolean head,
                         boolean keepAlive, HlsService hls, HlsViewers.Viewer viewer) {
        int length = data.readableBytes();
        if (head) {
            data.release();
            data = Unpooled.EMPTY_BUFFER;
        } else {
            hls.metrics().bytesOut.add(length);
            viewer.sent(length);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, data);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, cache);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        HttpResponses.send(ctx, response, keepAlive);
    }

    private void sendSegment(ChannelHandlerContext ctx, HlsStream stream, long sequence, StreamRequest request,
                             boolean head, boolean keepAlive, HlsViewers.Viewer viewer) {
        ByteBuf data = stream.segment(sequence);
        if (data == null) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND,
                    "segment " + sequence + " is not available (any more): " + request.describe(), keepAlive);
            return;
        }
        sendBody(ctx, data, SEGMENT_TYPE, SEGMENT_CACHE, head, keepAlive, hls, viewer);
    }

    private void sendPlaylist(ChannelHandlerContext ctx, HlsStream stream, MediaPath path, StreamRequest request,
                              StreamGate.UriSigner signer, boolean head, boolean keepAlive, HlsViewers.Viewer viewer) {
        if (!stream.hasSegments()) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND,
                    "stream has no HLS segment yet: " + request.describe(), keepAlive);
            return;
        }
        byte[] text = stream.playlist().render(path.app(), path.stream(), signer).getBytes(StandardCharsets.UTF_8);
        sendBody(ctx, Unpooled.wrappedBuffer(text), PLAYLIST_TYPE, PLAYLIST_CACHE, head, keepAlive, hls, viewer);
    }

    /**
     * An adaptive playlist (RFC 8216 §4.3.4): one {@code EXT-X-STREAM-INF} per variant that has segments, with its
     * BANDWIDTH (declared, else measured; video + audio), RESOLUTION (from its SPS) and CODECS (from its decoder
     * configurations), the variant URIs relative and signed for their own paths like segment URIs. Variants that are
     * not live are asked for on demand (lazy renditions start), and the answer waits for them a little.
     */
    private final class MasterPlaylist {
        private final ChannelHandlerContext ctx;
        private final MediaPath path;
        private final StreamRequest request;
        private final StreamGate.Decision decision;
        private final java.util.List<HlsAdaptive.Variant> variants;
        private final boolean head;
        private final boolean keepAlive;
        private long deadline;

        MasterPlaylist(ChannelHandlerContext ctx, MediaPath path, StreamRequest request, StreamGate.Decision decision,
                       java.util.List<HlsAdaptive.Variant> variants, boolean head, boolean keepAlive) {
            this.ctx = ctx;
            this.path = path;
            this.request = request;
            this.decision = decision;
            this.variants = variants;
            this.head = head;
            this.keepAlive = keepAlive;
        }

        void start() {
            long wait = 0;
            for (HlsAdaptive.Variant v : variants) {
                if (hls.find(v.stream()) == null) {
                    wait = Math.max(wait, hls.demand(v.stream()));
                }
            }
            // a variant that just started needs its first segment too
            deadline = System.currentTimeMillis() + (wait > 0 ? wait + 3 * hls.settings().targetSegmentMillis() : 0);
            poll();
        }

        private boolean ready(HlsAdaptive.Variant v) {
            HlsStream s = hls.find(v.stream());
            return s != null && s.hasSegments() && s.format().codecs() != null;
        }

        private void poll() {
            if (!ctx.channel().isActive()) {
                return;
            }
            boolean all = variants.stream().allMatch(this::ready);
            if (all || System.currentTimeMillis() >= deadline) {
                send();
                return;
            }
            ctx.executor().schedule(this::poll, DEMAND_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void send() {
            StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
            java.util.List<String> entries = new java.util.ArrayList<>();
            java.util.List<long[]> order = new java.util.ArrayList<>();
            for (HlsAdaptive.Variant v : variants) {
                if (!ready(v)) {
                    continue;
                }
                HlsStream.Format f = hls.find(v.stream()).format();
                var measured = hls.stats(v.stream());
                long bandwidth = v.declaredBitsPerSecond() > 0 ? v.declaredBitsPerSecond()
                        : measured.videoBitsPerSecond() + measured.audioBitsPerSecond();
                StringBuilder e = new StringBuilder("#EXT-X-STREAM-INF:BANDWIDTH=").append(Math.max(1, bandwidth));
                if (f.width() > 0 && f.height() > 0) {
                    e.append(",RESOLUTION=").append(f.width()).append('x').append(f.height());
                }
                e.append(",CODECS=\"").append(f.codecs()).append("\"\n");
                String name = v.stream().stream();
                e.append(name).append(".m3u8").append(decision.signer().query("/" + path.app() + "/" + name + ".m3u8"))
                        .append('\n');
                entries.add(e.toString());
                order.add(new long[]{bandwidth, entries.size() - 1});
            }
            if (entries.isEmpty()) {
                HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND,
                        "no variant of this adaptive playlist is live: " + request.describe(), keepAlive);
                return;
            }
            order.sort((a, b) -> Long.compare(b[0], a[0])); // best first: players start at the first listed
            for (long[] o : order) {
                m3u8.append(entries.get((int) o[1]));
            }
            HlsViewers.Viewer viewer = viewers.seen(request, decision.key(), System.currentTimeMillis());
            sendBody(ctx, Unpooled.wrappedBuffer(m3u8.toString().getBytes(StandardCharsets.UTF_8)), PLAYLIST_TYPE,
                    PLAYLIST_CACHE, head, keepAlive, hls, viewer);
        }
    }

    /** A playlist request waiting for the stream's first segment; answered exactly once, on the channel's loop. */
    private final class PendingPlaylist implements Runnable {
        private final ChannelHandlerContext ctx;
        private final HlsStream stream;
        private final MediaPath path;
        private final StreamRequest request;
        private final StreamGate.UriSigner signer;
        private final boolean head;
        private final boolean keepAlive;
        private final HlsViewers.Viewer viewer;
        private boolean answered;
        ScheduledFuture<?> timeout;

        PendingPlaylist(ChannelHandlerContext ctx, HlsStream stream, MediaPath path, StreamRequest request,
                        StreamGate.UriSigner signer, boolean head, boolean keepAlive, HlsViewers.Viewer viewer) {
            this.ctx = ctx;
            this.stream = stream;
            this.path = path;
            this.request = request;
            this.signer = signer;
            this.head = head;
            this.keepAlive = keepAlive;
            this.viewer = viewer;
        }

        /** The stream has its first segment (or ended): called under the stream's monitor, so only hands off. */
        @Override
        public void run() {
            ctx.executor().execute(this::send);
        }

        void timedOut() {
            stream.cancelWait(this);
            send();
        }

        void send() {
            if (answered) {
                return;
            }
            answered = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            sendPlaylist(ctx, stream, path, request, signer, head, keepAlive, viewer);
        }
    }
}
