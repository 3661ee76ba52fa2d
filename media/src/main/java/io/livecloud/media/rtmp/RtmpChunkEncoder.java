package io.livecloud.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Messages → chunks. Every message starts with a fmt 0 header (no header compression: a few bytes per message buy
 * stateless, shareable encodings) and continues in fmt 3 chunks of the current outgoing chunk size, which changes
 * when a Set Chunk Size message passes through. Plain ByteBufs — media the session has chunked already — pass
 * untouched.
 */
public final class RtmpChunkEncoder extends MessageToByteEncoder<RtmpMessage> {
    private static final long EXTENDED = 0xFFFFFF;
    private int chunkSize = 128;

    public RtmpChunkEncoder() {
        super(RtmpMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, ByteBuf out) {
        writeMessage(out, msg.chunkStreamId(), msg.timestamp(), msg.typeId(), msg.messageStreamId(), msg.payload(), chunkSize);
        if (msg.typeId() == RtmpMessage.SET_CHUNK_SIZE && msg.payload().readableBytes() >= 4) {
            chunkSize = msg.payload().getInt(msg.payload().readerIndex()) & 0x7FFFFFFF;
        }
    }

    /** A whole message as chunks, in a new buffer; does not consume {@code body}. Valid for any timestamp. */
    public static ByteBuf encodeMessage(ByteBufAllocator alloc, int csid, long timestamp, int typeId, int msid,
                                        ByteBuf body, int chunkSize) {
        int len = body.readableBytes();
        int chunks = Math.max(1, (len + chunkSize - 1) / chunkSize);
        ByteBuf out = alloc.directBuffer(len + 18 + chunks * 7);
        writeMessage(out, csid, timestamp, typeId, msid, body, chunkSize);
        return out;
    }

    private static void writeMessage(ByteBuf out, int csid, long timestamp, int typeId, int msid, ByteBuf body, int chunkSize) {
        int len = body.readableBytes();
        writeMessageHeader(out, csid, timestamp, len, typeId, msid);
        boolean extended = timestamp >= EXTENDED;
        int index = body.readerIndex();
        int written = 0;
        do {
            if (written > 0) {
                writeBasicHeader(out, 3, csid);
                if (extended) {
                    out.writeInt((int) timestamp);
                }
            }
            int n = Math.min(chunkSize, len - written);
            out.writeBytes(body, index + written, n);
            written += n;
        } while (written < len);
    }

    /**
     * The body cut into chunks — everything after the first chunk's message header: the first piece, then a fmt 3
     * basic header before each further piece. Only valid when the message timestamp is below 0xFFFFFF (otherwise
     * continuation chunks must repeat the extended timestamp: use {@link #encodeMessage}). Does not consume body.
     */
    public static ByteBuf chunkBody(ByteBufAllocator alloc, ByteBuf body, int chunkSize, int csid) {
        int len = body.readableBytes();
        int basic = basicHeaderSize(csid);
        int continuations = len == 0 ? 0 : (len - 1) / chunkSize;
        ByteBuf out = alloc.directBuffer(len + continuations * basic);
        int index = body.readerIndex();
        for (int written = 0; written < len; ) {
            if (written > 0) {
                writeBasicHeader(out, 3, csid);
            }
            int n = Math.min(chunkSize, len - written);
            out.writeBytes(body, index + written, n);
            written += n;
        }
        return out;
    }

    /** Basic header + fmt 0 message header (+ extended timestamp). */
    public static void writeMessageHeader(ByteBuf out, int csid, long timestamp, int length, int typeId, int msid) {
        writeBasicHeader(out, 0, csid);
        boolean extended = timestamp >= EXTENDED;
        out.writeMedium(extended ? (int) EXTENDED : (int) timestamp);
        out.writeMedium(length);
        out.writeByte(typeId);
        out.writeIntLE(msid);
        if (extended) {
            out.writeInt((int) timestamp);
        }
    }

    private static int basicHeaderSize(int csid) {
        return csid < 64 ? 1 : csid < 320 ? 2 : 3;
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte((fmt << 6) | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte((fmt << 6) | 1);
            out.writeByte((csid - 64) & 0xff);
            out.writeByte((csid - 64) >> 8);
        }
    }
}
