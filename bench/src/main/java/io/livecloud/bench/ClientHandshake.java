package io.livecloud.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/** The client side of the plain RTMP handshake: C0 C1, then C2 = S1 once S0 S1 S2 have arrived. */
final class ClientHandshake extends ByteToMessageDecoder {
    static final Object COMPLETED = "client handshake completed";
    private static final int SIZE = 1536;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf c0c1 = ctx.alloc().buffer(1 + SIZE);
        c0c1.writeByte(3).writeZero(SIZE);
        ctx.writeAndFlush(c0c1);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1 + 2 * SIZE) {
            return;
        }
        in.skipBytes(1);
        ctx.writeAndFlush(in.readRetainedSlice(SIZE));
        in.skipBytes(SIZE);
        ctx.fireUserEventTriggered(COMPLETED);
        ctx.pipeline().remove(this);
    }
}
