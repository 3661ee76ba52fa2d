package io.livecloud.media.http;

import io.livecloud.media.Role;
import io.livecloud.media.SessionInfo;
import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamKey;
import io.livecloud.media.StreamRequest;
import io.livecloud.media.flv.FlvHeader;
import io.livecloud.media.hub.ChannelSubscriber;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.MediaFrame;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One HTTP-FLV viewer: a chunked {@code video/x-flv} response that never ends while the stream is live. After
 * the response head the HTTP encoder is taken out of the pipeline and the chunks are framed here, so each tag is one
 * chunk made of a small per-player start and the frame's shared bytes.
 */
final class FlvPlayer extends ChannelSubscriber {
    private final ChannelHandlerContext ctx;
    private final StreamRequest request;
    private final SessionLog sessions;
    private LiveStream stream;
    private SessionInfo session;
    private boolean ended;

    FlvPlayer(ChannelHandlerContext ctx, StreamRequest request, SessionLog sessions, HubSettings settings,
              MediaMetrics metrics) {
        super(ctx.channel(), settings, metrics);
        this.ctx = ctx;
        this.request = request;
        this.sessions = sessions;
    }

    void attached(LiveStream stream, StreamKey key) {
        this.stream = stream;
        this.session = sessions.started(Role.PLAY, key, request, bytesSent());
    }

    @Override
    public void onStart(boolean hasAudio, boolean hasVideo) {
        HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
        if (ended || codec == null || !ctx.channel().isActive()) {
            // the viewer left while it waited for the publisher: its close has taken the pipeline apart
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpResponses.cors(head.headers());
        ctx.write(head);
        // from here on the body is framed by hand (see class comment)
        codec.removeOutboundHandler();
        ByteBufAllocator alloc = ctx.alloc();
        ctx.writeAndFlush(FlvFrameEncoding.chunk(alloc, FlvHeader.write(alloc, hasAudio, hasVideo)));
    }

    @Override
    protected int writeFrame(MediaFrame frame, long timestamp) {
        ByteBuf start = FlvFrameEncoding.tagStart(ctx.alloc(), frame, timestamp);
        ByteBuf shared = frame.encoded(FlvFrameEncoding.INSTANCE, ctx.alloc());
        int bytes = start.readableBytes() + shared.readableBytes();
        ctx.write(start, ctx.voidPromise());
        ctx.write(shared, ctx.voidPromise());
        return bytes;
    }

    @Override
    public void onEnd(EndReason reason) {
        if (ended) {
            return;
        }
        ended = true;
        if (reason == EndReason.NOT_FOUND) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "stream not found: " + request.describe(), false);
            return;
        }
        ctx.writeAndFlush(FlvFrameEncoding.lastChunk(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    }

    /** The connection closed: leave the stream and close the session's books. */
    void closed(String reason) {
        if (stream != null) {
            stream.leave(this);
            stream = null;
        }
        if (session != null) {
            sessions.ended(session, bytesSent().get(), ended ? "stream ended" : reason);
            session = null;
        }
    }

    @Override
    protected String describe() {
        return request.describe() + " client=" + request.clientAddress();
    }
}
