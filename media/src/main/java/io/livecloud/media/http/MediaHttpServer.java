package io.livecloud.media.http;

import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamGate;
import io.livecloud.media.Transport;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.hub.StreamHub;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Listens for media HTTP (HTTP-FLV and HLS) and gives each connection its handler. */
public final class MediaHttpServer implements AutoCloseable {
    private static final int REQUEST_IDLE_SECONDS = 30;
    private final Channel channel;

    public MediaHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub, HlsService hls, StreamGate gate,
                           SessionLog sessions) {
        this.channel = transport.listen(bind, ch -> ch.pipeline().addLast(
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                new IdleStateHandler(REQUEST_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS),
                new HttpServerCodec(4096, 8192, 8192),
                new HttpMediaHandler(hub, hls, gate, sessions)));
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
