package io.livecloud.media.rtmp;

import io.livecloud.media.hub.ChannelSubscriber;
import io.livecloud.media.hub.FrameEncoding;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.MediaFrame;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;

/**
 * One RTMP viewer of a stream. Each frame goes out as a per-player message header (it carries the player's own
 * timestamp) followed by the frame's chunked body shared by all RTMP players.
 */
final class RtmpPlayer extends ChannelSubscriber {
    /** Chunk stream ids for outgoing media, one per kind, as common servers use. */
    static final int CSID_DATA = 5;
    static final int CSID_VIDEO = 6;
    static final int CSID_AUDIO = 7;
    private static final long EXTENDED_TIMESTAMP = 0xFFFFFF;

    private final ChannelHandlerContext ctx;
    private final RtmpSession session;
    private final int messageStreamId;

    RtmpPlayer(ChannelHandlerContext ctx, RtmpSession session, int messageStreamId, HubSettings settings, MediaMetrics metrics) {
        super(ctx.channel(), settings, metrics);
        this.ctx = ctx;
        this.session = session;
        this.messageStreamId = messageStreamId;
    }

    @Override
    public void onStart(boolean hasAudio, boolean hasVideo) {
        session.playStarted(messageStreamId);
    }

    @Override
    public void onEnd(EndReason reason) {
        session.playEnded(messageStreamId, reason);
    }

    @Override
    protected int writeFrame(MediaFrame frame, long timestamp) {
        ByteBufAllocator alloc = ctx.alloc();
        int csid = chunkStreamId(frame.type());
        if (timestamp >= EXTENDED_TIMESTAMP) {
            // continuation chunks then repeat the extended timestamp, so the shared body cannot be used
            ByteBuf whole = RtmpChunkEncoder.encodeMessage(alloc, csid, timestamp, frame.type(), messageStreamId,
                    frame.body(), RtmpSession.OUT_CHUNK_SIZE);
            int bytes = whole.readableBytes();
            ctx.write(whole, ctx.voidPromise());
            return bytes;
        }
        ByteBuf header = alloc.directBuffer(12);
        RtmpChunkEncoder.writeMessageHeader(header, csid, timestamp, frame.size(), frame.type(), messageStreamId);
        ByteBuf body = frame.encoded(Chunked.INSTANCE, alloc);
        int bytes = header.readableBytes() + body.readableBytes();
        ctx.write(header, ctx.voidPromise());
        ctx.write(body, ctx.voidPromise());
        return bytes;
    }

    @Override
    protected String describe() {
        return session.describe();
    }

    static int chunkStreamId(int type) {
        return switch (type) {
            case MediaFrame.VIDEO -> CSID_VIDEO;
            case MediaFrame.AUDIO -> CSID_AUDIO;
            default -> CSID_DATA;
        };
    }

    /** The body cut into chunks of the server's outgoing chunk size, shared by every RTMP player. */
    private static final class Chunked implements FrameEncoding {
        static final Chunked INSTANCE = new Chunked();

        @Override
        public int slot() {
            return RTMP_SLOT;
        }

        @Override
        public ByteBuf encode(ByteBufAllocator alloc, MediaFrame frame) {
            return RtmpChunkEncoder.chunkBody(alloc, frame.body(), RtmpSession.OUT_CHUNK_SIZE, chunkStreamId(frame.type()));
        }
    }
}
