package io.livecloud.media.rtmp;

import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamGate;
import io.livecloud.media.Transport;
import io.livecloud.media.hub.StreamHub;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Listens for RTMP and builds each connection's pipeline: handshake, then chunk decoding into messages, chunk
 * encoding of what we send, and the session that speaks the commands.
 */
public final class RtmpServer implements AutoCloseable {
    /** A connection (handshaking, connecting or publishing) that sends nothing this long is a dead peer. */
    private static final int IDLE_SECONDS = 20;
    private final Channel channel;

    public RtmpServer(Transport transport, InetSocketAddress bind, StreamHub hub, StreamGate gate, SessionLog sessions) {
        ServerBootstrap b = new ServerBootstrap()
                .group(transport.acceptors(), transport.workers())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS),
                                new RtmpHandshakeHandler(),
                                new RtmpChunkDecoder(),
                                new RtmpChunkEncoder(),
                                new RtmpSession(hub, gate, sessions));
                    }
                });
        this.channel = b.bind(bind).syncUninterruptibly().channel();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
