package io.livecloud.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Serialises {@link RtmpMessage}s into chunks (RTMP spec §5.3). Every message starts with a fmt 0 header and
 * continues in fmt 3 chunks of the current outgoing chunk size: no header compression, so each message's bytes
 * depend on nothing sent before and can be shared between connections.
 *
 * <p>The outgoing chunk size starts at {@value #DEFAULT_CHUNK_SIZE} and changes when a Set Chunk Size message
 * passes through: from the message after it on. Plain {@link ByteBuf} writes (media already chunked, see
 * {@link #chunkBody}) pass through untouched, so whoever writes them must use the chunk size last announced.
 *
 * <p>When a timestamp needs the extended field (≥ 0xFFFFFF) it is repeated after every fmt 3 basic header, as
 * librtmp, ffmpeg and Flash Player expect.
 */
public final class RtmpChunkEncoder extends MessageToByteEncoder<RtmpMessage> {
    public static final int DEFAULT_CHUNK_SIZE = 128;
    static final int EXTENDED_TIMESTAMP = 0xFFFFFF;
    static final int MAX_CHUNK_STREAM_ID = 65599;
    private static final int MAX_MESSAGE_LENGTH = 0xFFFFFF;
    private static final int FMT0_HEADER = 11;

    private int chunkSize = DEFAULT_CHUNK_SIZE;

    public RtmpChunkEncoder() {
        super(RtmpMessage.class);
    }

    /** The chunk size messages are cut to now. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, RtmpMessage msg, boolean preferDirect) {
        int size = encodedSize(msg.chunkStreamId(), msg.timestamp(), msg.payload().readableBytes(), chunkSize);
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, ByteBuf out) {
        int nextChunkSize = msg.typeId() == RtmpMessage.SET_CHUNK_SIZE ? announcedChunkSize(msg.payload()) : chunkSize;
        writeMessage(out, msg.chunkStreamId(), msg.timestamp(), msg.typeId(), msg.messageStreamId(), msg.payload(), chunkSize);
        chunkSize = nextChunkSize;
    }

    private static int announcedChunkSize(ByteBuf payload) {
        if (payload.readableBytes() < 4) {
            throw new IllegalArgumentException("set chunk size message without a size");
        }
        int size = payload.getInt(payload.readerIndex());
        if (size < 1 || size > RtmpControl.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size out of range: " + size);
        }
        return size;
    }

    /**
     * A whole message as chunks in a new buffer, for any timestamp. Does not consume or release {@code body}.
     *
     * @param timestamp absolute, unsigned 32-bit
     */
    public static ByteBuf encodeMessage(ByteBufAllocator alloc, int chunkStreamId, long timestamp, int typeId,
                                        int messageStreamId, ByteBuf body, int chunkSize) {
        checkChunkSize(chunkSize);
        ByteBuf out = alloc.ioBuffer(encodedSize(chunkStreamId, timestamp, body.readableBytes(), chunkSize));
        try {
            writeMessage(out, chunkStreamId, timestamp, typeId, messageStreamId, body, chunkSize);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Everything of a message after its first chunk's message header: the body cut into {@code chunkSize} pieces,
     * a fmt 3 basic header for {@code chunkStreamId} before each piece but the first. Write it right after
     * {@link #writeMessageHeader} to send the message; the result does not depend on the timestamp, so one copy
     * serves every connection with the same chunk size.
     *
     * <p>Only valid when the message timestamp is below 0xFFFFFF: above, continuation chunks must repeat the extended
     * timestamp, so use {@link #encodeMessage}. Does not consume or release {@code body}.
     */
    public static ByteBuf chunkBody(ByteBufAllocator alloc, ByteBuf body, int chunkSize, int chunkStreamId) {
        checkChunkSize(chunkSize);
        checkChunkStreamId(chunkStreamId);
        int length = body.readableBytes();
        ByteBuf out = alloc.ioBuffer(length + continuationChunks(length, chunkSize) * basicHeaderSize(chunkStreamId));
        writeChunks(out, chunkStreamId, -1, body, chunkSize);
        return out;
    }

    /**
     * Writes the basic header and fmt 0 message header of a message's first chunk, followed by the extended
     * timestamp when {@code timestamp} ≥ 0xFFFFFF.
     *
     * @param timestamp absolute, unsigned 32-bit
     * @param length    the whole message's body length
     */
    public static void writeMessageHeader(ByteBuf out, int chunkStreamId, long timestamp, int length, int typeId,
                                          int messageStreamId) {
        checkChunkStreamId(chunkStreamId);
        if (length < 0 || length > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("message length out of range: " + length);
        }
        long ts = timestamp & 0xFFFFFFFFL;
        boolean extended = ts >= EXTENDED_TIMESTAMP;
        writeBasicHeader(out, 0, chunkStreamId);
        out.writeMedium(extended ? EXTENDED_TIMESTAMP : (int) ts);
        out.writeMedium(length);
        out.writeByte(typeId);
        out.writeIntLE(messageStreamId); // the only little-endian field of RTMP
        if (extended) {
            out.writeInt((int) ts);
        }
    }

    /** Bytes {@link #encodeMessage} produces for such a message. */
    static int encodedSize(int chunkStreamId, long timestamp, int length, int chunkSize) {
        int basic = basicHeaderSize(chunkStreamId);
        int extended = (timestamp & 0xFFFFFFFFL) >= EXTENDED_TIMESTAMP ? 4 : 0;
        return basic + FMT0_HEADER + extended + length + continuationChunks(length, chunkSize) * (basic + extended);
    }

    private static void writeMessage(ByteBuf out, int chunkStreamId, long timestamp, int typeId, int messageStreamId,
                                     ByteBuf body, int chunkSize) {
        writeMessageHeader(out, chunkStreamId, timestamp, body.readableBytes(), typeId, messageStreamId);
        long ts = timestamp & 0xFFFFFFFFL;
        writeChunks(out, chunkStreamId, ts >= EXTENDED_TIMESTAMP ? ts : -1, body, chunkSize);
    }

    /** @param extendedTimestamp repeated after each fmt 3 basic header, or -1 for none */
    private static void writeChunks(ByteBuf out, int chunkStreamId, long extendedTimestamp, ByteBuf body, int chunkSize) {
        int start = body.readerIndex();
        int length = body.readableBytes();
        for (int written = 0; written < length; ) {
            if (written > 0) {
                writeBasicHeader(out, 3, chunkStreamId);
                if (extendedTimestamp >= 0) {
                    out.writeInt((int) extendedTimestamp);
                }
            }
            int piece = Math.min(chunkSize, length - written);
            out.writeBytes(body, start + written, piece);
            written += piece;
        }
    }

    private static int continuationChunks(int length, int chunkSize) {
        return length == 0 ? 0 : (length - 1) / chunkSize;
    }

    static int basicHeaderSize(int chunkStreamId) {
        return chunkStreamId < 64 ? 1 : chunkStreamId < 320 ? 2 : 3;
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int chunkStreamId) {
        if (chunkStreamId < 64) {
            out.writeByte(fmt << 6 | chunkStreamId);
        } else if (chunkStreamId < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(chunkStreamId - 64);
        } else {
            out.writeByte(fmt << 6 | 1);
            out.writeShortLE(chunkStreamId - 64);
        }
    }

    private static void checkChunkStreamId(int chunkStreamId) {
        if (chunkStreamId < 2 || chunkStreamId > MAX_CHUNK_STREAM_ID) {
            throw new IllegalArgumentException("chunk stream id out of range: " + chunkStreamId);
        }
    }

    private static void checkChunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size out of range: " + chunkSize);
        }
    }
}
