package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.livecloud.media.rtmp.HandshakeDigest.BLOCK_SIZE;
import static io.livecloud.media.rtmp.HandshakeDigest.DIGEST_SIZE;

/**
 * The server side of the RTMP handshake: reads C0 and C1, answers S0 S1 S2 at once, then waits for C2 (whose
 * content is not checked: clients differ in what they put there).
 *
 * <p>A C1 that carries a valid client digest (see {@link HandshakeDigest}) gets the digest answer that Flash-era
 * clients, librtmp in FP9 mode and ffmpeg verify; any other C1 gets the plain answer, S2 echoing C1. Only version 3
 * (plain RTMP) is accepted: anything else closes the connection with a {@link MediaProtocolException}.
 *
 * <p>When C2 has arrived the handler fires {@link #COMPLETED} as a user event and removes itself; bytes that came
 * after C2 in the same read then flow on to the next handler.
 */
public final class RtmpHandshakeHandler extends ByteToMessageDecoder {
    /** The user event fired once the handshake is done, before any chunk reaches the next handler. */
    public static final Object COMPLETED = new Object() {
        @Override
        public String toString() {
            return "RtmpHandshakeHandler.COMPLETED";
        }
    };
    static final int RTMP_VERSION = 3;
    /** Announced in a digest S1: digest-checking clients expect a non-zero server version there. */
    private static final byte[] SERVER_VERSION = {0x0D, 0x0E, 0x0A, 0x0D};

    private enum State { AWAIT_C0_C1, AWAIT_C2, FAILED }

    private State state = State.AWAIT_C0_C1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case AWAIT_C0_C1 -> readC0C1(ctx, in);
            case AWAIT_C2 -> readC2(ctx, in);
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void readC0C1(ChannelHandlerContext ctx, ByteBuf in) {
        int version = in.getUnsignedByte(in.readerIndex());
        if (version != RTMP_VERSION) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw new MediaProtocolException("unsupported RTMP version " + version + " (only plain RTMP, version 3)");
        }
        if (in.readableBytes() < 1 + BLOCK_SIZE) {
            return;
        }
        in.skipBytes(1);
        byte[] c1 = new byte[BLOCK_SIZE];
        in.readBytes(c1);
        ByteBuf reply = ctx.alloc().buffer(1 + 2 * BLOCK_SIZE);
        reply.writeByte(RTMP_VERSION);
        reply.writeBytes(answer(c1));
        ctx.writeAndFlush(reply);
        state = State.AWAIT_C2;
    }

    private void readC2(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < BLOCK_SIZE) {
            return;
        }
        in.skipBytes(BLOCK_SIZE);
        ctx.fireUserEventTriggered(COMPLETED);
        // ByteToMessageDecoder hands what is left of its buffer to the next handler once this one is gone
        ctx.pipeline().remove(this);
    }

    /** A peer that fails the handshake gets no further; the exception still travels on to be reported. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause);
        ctx.close();
    }

    /** S1 followed by S2 for this C1. */
    static byte[] answer(byte[] c1) {
        int schema = HandshakeDigest.clientSchema(c1);
        byte[] reply = new byte[2 * BLOCK_SIZE];
        ThreadLocalRandom.current().nextBytes(reply);
        Arrays.fill(reply, 0, 4, (byte) 0); // S1 time: our epoch starts now
        if (schema < 0) {
            Arrays.fill(reply, 4, 8, (byte) 0);
            System.arraycopy(c1, 0, reply, BLOCK_SIZE, BLOCK_SIZE);
            return reply;
        }
        byte[] s1 = Arrays.copyOfRange(reply, 0, BLOCK_SIZE);
        System.arraycopy(SERVER_VERSION, 0, s1, 4, SERVER_VERSION.length);
        HandshakeDigest.signServerBlock(s1, schema);

        int c1DigestOffset = HandshakeDigest.digestOffset(c1, schema);
        byte[] c1Digest = Arrays.copyOfRange(c1, c1DigestOffset, c1DigestOffset + DIGEST_SIZE);
        byte[] s2 = Arrays.copyOfRange(reply, BLOCK_SIZE, 2 * BLOCK_SIZE);
        HandshakeDigest.signResponse(s2, c1Digest);

        System.arraycopy(s1, 0, reply, 0, BLOCK_SIZE);
        System.arraycopy(s2, 0, reply, BLOCK_SIZE, BLOCK_SIZE);
        return reply;
    }
}
