package io.livecloud.media.rtmp;

import io.livecloud.media.SessionLog;
import io.livecloud.media.StreamGate;
import io.livecloud.media.Transport;
import io.livecloud.media.hub.StreamHub;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
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
        this.channel = transport.listen(bind, ch -> ch.pipeline().addLast(
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS),
                new RtmpHandshakeHandler(),
                new RtmpChunkDecoder(),
                new RtmpChunkEncoder(),
                new RtmpSession(hub, gate, sessions)));
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
