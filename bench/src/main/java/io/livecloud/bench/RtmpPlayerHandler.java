package io.livecloud.bench;

import io.livecloud.media.amf.Amf0;
import io.livecloud.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An RTMP viewer: connect, createStream, play; then notes the first keyframe. Byte counting is done below it. */
final class RtmpPlayerHandler extends SimpleChannelInboundHandler<RtmpMessage> {
    private final String app;
    private final String tcUrl;
    private final String stream;
    private final PlayerStats stats;
    /** When set, this player is a latency probe: it looks up when each video frame it gets was published. */
    private final FlvPacedPublisher clock;

    RtmpPlayerHandler(String app, String tcUrl, String stream, PlayerStats stats, FlvPacedPublisher clock) {
        this.app = app;
        this.tcUrl = tcUrl;
        this.stream = stream;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshake.COMPLETED) {
            stats.connected = true;
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("app", app);
            params.put("flashVer", "LNX 9,0,124,2");
            params.put("tcUrl", tcUrl);
            params.put("fpad", false);
            params.put("capabilities", 15.0);
            params.put("audioCodecs", 4071.0);
            params.put("videoCodecs", 252.0);
            params.put("videoFunction", 1.0);
            command(ctx, 0, "connect", 1.0, params);
        }
    }

    private static void command(ChannelHandlerContext ctx, int msid, Object... values) {
        ByteBuf body = ctx.alloc().buffer();
        Amf0.encode(body, values);
        ctx.writeAndFlush(new RtmpMessage(3, RtmpMessage.COMMAND_AMF0, 0, msid, body));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        switch (msg.typeId()) {
            case RtmpMessage.COMMAND_AMF0 -> {
                List<Object> v = Amf0.decodeAll(msg.payload().duplicate());
                if (v.size() >= 2 && "_result".equals(v.get(0)) && v.get(1) instanceof Number txn) {
                    if (txn.intValue() == 1) {
                        command(ctx, 0, "createStream", 2.0, null);
                    } else if (txn.intValue() == 2) {
                        int streamId = v.size() > 3 && v.get(3) instanceof Number n ? n.intValue() : 1;
                        command(ctx, streamId, "play", 0.0, null, stream, -1000.0);
                    }
                } else if (v.size() >= 4 && "onStatus".equals(v.get(0)) && v.get(3) instanceof Map<?, ?> info
                        && "error".equals(info.get("level"))) {
                    stats.failure = String.valueOf(info.get("code"));
                    ctx.close();
                }
            }
            case RtmpMessage.VIDEO -> {
                ByteBuf p = msg.payload();
                if (clock != null && p.isReadable()) {
                    Long sent = clock.sentAt.get(FlvPacedPublisher.crc(p));
                    if (sent != null) {
                        stats.latency(System.nanoTime() - sent);
                    }
                }
                if (stats.firstKeyframeNanos == 0 && p.readableBytes() >= 2) {
                    int first = p.getUnsignedByte(p.readerIndex());
                    int second = p.getUnsignedByte(p.readerIndex() + 1);
                    boolean picture = (first & 0x80) != 0 ? ((first & 0x0f) == 1 || (first & 0x0f) == 3) : second == 1;
                    if (((first >> 4) & 7) == 1 && picture) {
                        stats.firstKeyframeNanos = System.nanoTime();
                    }
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stats.failure == null) {
            stats.failure = "closed by server";
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.failure = cause.toString();
        ctx.close();
    }
}
