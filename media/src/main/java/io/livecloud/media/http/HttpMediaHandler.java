package io.livecloud.media.http;

import io.livecloud.media.Protocol;
import io.livecloud.media.Role;
import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamGate;
import io.livecloud.media.StreamRequest;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.hls.HlsViewers;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.StreamHub;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media HTTP server's per-connection handler: routes {@code /{app}/{stream}.flv} to an HTTP-FLV player and
 * {@code .m3u8} playlists and their segments to HLS, answers CORS preflights, and refuses everything else with a
 * plain status. Once a connection streams FLV it takes no further requests; HLS connections stay keep-alive.
 */
public final class HttpMediaHandler extends SimpleChannelInboundHandler<HttpObject> {
    private static final Logger log = LoggerFactory.getLogger(HttpMediaHandler.class);

    private final StreamHub hub;
    private final StreamGate gate;
    private final SessionLog sessions;
    private final HlsResponder hls;
    private FlvPlayer player;

    public HttpMediaHandler(StreamHub hub, HlsService hls, HlsViewers viewers, StreamGate gate, SessionLog sessions) {
        this.hub = hub;
        this.gate = gate;
        this.sessions = sessions;
        this.hls = new HlsResponder(hls, viewers);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!(msg instanceof HttpRequest request) || player != null) {
            return; // request bodies and anything after a stream started are ignored
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            HttpResponses.sendError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request", false);
            return;
        }
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            HttpResponses.sendPreflight(ctx, request.headers(), keepAlive);
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            HttpResponses.sendError(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", keepAlive);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        MediaPath path = MediaPath.parse(uri.path());
        if (path == null || path.protocol() == Protocol.RTMP) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "not found", keepAlive);
            return;
        }
        String userAgent = request.headers().get(HttpHeaderNames.USER_AGENT, "");
        StreamRequest streamRequest = new StreamRequest(path.protocol(), Role.PLAY, HttpRequests.host(request),
                path.app(), path.stream(), HttpRequests.query(uri), HttpRequests.clientAddress(ctx.channel()), uri.path(),
                userAgent);
        StreamGate.Decision decision = gate.authorize(streamRequest);
        if (!decision.allowed()) {
            sessions.refused(streamRequest, decision.status(), decision.reason());
            HttpResponses.sendError(ctx, HttpResponseStatus.valueOf(decision.status()), decision.reason(), keepAlive);
            return;
        }
        if (path.protocol() == Protocol.HLS || path.protocol() == Protocol.LL_HLS) {
            hls.respond(ctx, path, streamRequest, decision, method.equals(HttpMethod.HEAD), keepAlive);
            return;
        }
        if (method.equals(HttpMethod.HEAD)) {
            answerHead(ctx, streamRequest, hub.find(decision.key()), keepAlive);
            return;
        }
        FlvPlayer candidate = new FlvPlayer(ctx, streamRequest, sessions, hub.settings(), hub.metrics());
        StreamHub.Joined joined = hub.join(decision.key(), candidate);
        if (joined.result() == LiveStream.JoinResult.NOT_FOUND) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "stream not found: " + streamRequest.describe(), keepAlive);
            return;
        }
        player = candidate;
        player.attached(joined.stream(), decision.key());
    }

    private static void answerHead(ChannelHandlerContext ctx, StreamRequest request, LiveStream stream, boolean keepAlive) {
        if (stream == null || stream.publisher() == null) {
            HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "stream not found: " + request.describe(), keepAlive);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/x-flv");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpResponses.send(ctx, response, keepAlive);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && player == null) {
            hub.metrics().idleConnectionsClosed.increment();
            ctx.close(); // a connection that never sent a request
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (player != null) {
            player.closed(player.cutReason() != null ? player.cutReason() : "client closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("http connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        if (player != null) {
            // the server's own cut (a stuck player) fails the writes queued behind it: that cut is the reason
            player.closed(player.cutReason() != null ? player.cutReason()
                    : "error: " + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()));
        }
        ctx.close();
    }
}
