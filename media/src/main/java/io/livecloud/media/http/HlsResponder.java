package io.livecloud.media.http;

import io.livecloud.media.Protocol;
import io.livecloud.media.StreamGate;
import io.livecloud.media.StreamRequest;
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
