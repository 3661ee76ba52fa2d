package io.livecloud.media.http;

import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamGate;
import io.livecloud.media.Transport;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.hls.HlsViewers;
import io.livecloud.media.hub.StreamHub;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/** Listens for media HTTP (HTTP-FLV and HLS) and gives each connection its handler. */
public final class MediaHttpServer implements AutoCloseable {
    private static final int REQUEST_IDLE_SECONDS = 30;
    private static final long VIEWER_SWEEP_MILLIS = 2_000;
    private final Channel channel;
    private final HlsViewers viewers;
    private final ScheduledFuture<?> sweep;

    public MediaHttpServer(Transport transport, InetSocketAddress bind, StreamHub hub, HlsService hls, StreamGate gate,
                           SessionLog sessions) {
        // an HLS viewer idle for three target durations (10 s at least) has stopped watching
        this.viewers = new HlsViewers(sessions, Math.max(10_000, 3 * hls.settings().targetSegmentMillis()));
        this.sweep = transport.workers().next().scheduleWithFixedDelay(() -> viewers.sweep(System.currentTimeMillis()),
                VIEWER_SWEEP_MILLIS, VIEWER_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        this.channel = transport.listen(bind, ch -> ch.pipeline().addLast(
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                new IdleStateHandler(REQUEST_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS),
                new HttpServerCodec(4096, 8192, 8192),
                new HttpMediaHandler(hub, hls, viewers, gate, sessions)));
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** HLS viewers watching now (they are sessions of their own, not subscribers of a stream). */
    public int hlsViewers() {
        return viewers.count();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        sweep.cancel(false);
        viewers.endAll("server stopping");
    }
}
