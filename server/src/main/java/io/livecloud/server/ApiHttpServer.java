package io.livecloud.server;

import io.livecloud.media.Transport;
import io.livecloud.media.hub.MediaMetrics;
import io.livecloud.media.hub.StreamHub;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The operator's port: health and metrics for now (the OpenAPI and console join it with the control plane). Kept
 * apart from the media HTTP port so media load cannot starve the operator.
 */
final class ApiHttpServer implements AutoCloseable {
    private final Channel channel;

    ApiHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub) {
        this.channel = transport.listen(bind, ch -> ch.pipeline().addLast(
                new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler(hub)));
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final StreamHub hub;

        Handler(StreamHub hub) {
            this.hub = hub;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).path();
            switch (path) {
                case "/health" -> respond(ctx, request, HttpResponseStatus.OK, "application/json",
                        "{\"status\":\"UP\",\"streams\":" + hub.streams().size() + "}");
                case "/metrics" -> respond(ctx, request, HttpResponseStatus.OK, "text/plain; version=0.0.4", metrics());
                default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
            }
        }

        /** Prometheus text exposition of the media counters. */
        private String metrics() {
            MediaMetrics m = hub.metrics();
            long publishers = hub.streams().stream().filter(s -> s.publisher() != null).count();
            long players = hub.streams().stream().mapToLong(s -> s.subscriberCount()).sum();
            return gauge("livecloud_streams_live", publishers, "Streams with a publisher")
                    + gauge("livecloud_players", players, "Attached players, all protocols")
                    + counter("livecloud_media_bytes_in_total", m.bytesIn.sum(), "Media bytes received from publishers")
                    + counter("livecloud_media_bytes_out_total", m.bytesOut.sum(), "Media bytes sent to players")
                    + counter("livecloud_media_frames_in_total", m.framesIn.sum(), "Frames received from publishers")
                    + counter("livecloud_frames_skipped_total", m.framesSkipped.sum(), "Frames slow players skipped")
                    + counter("livecloud_players_stuck_total", m.playersStuck.sum(), "Players cut for not reading")
                    + counter("livecloud_protocol_errors_total", m.protocolErrors.sum(), "Connections or frames refused as malformed");
        }

        private static String gauge(String name, long value, String help) {
            return "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " + value + "\n";
        }

        private static String counter(String name, long value, String help) {
            return "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + value + "\n";
        }

        private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                    String type, String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var f = ctx.writeAndFlush(response);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
