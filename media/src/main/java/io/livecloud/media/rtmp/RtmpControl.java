package io.livecloud.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Protocol control (types 1–6) and User Control (type 4) messages the server sends, on chunk stream 2. */
public final class RtmpControl {
    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;
    private static final int CSID = 2;

    private RtmpControl() {
    }

    public static RtmpMessage setChunkSize(ByteBufAllocator alloc, int size) {
        return control(RtmpMessage.SET_CHUNK_SIZE, alloc.buffer(4).writeInt(size));
    }

    public static RtmpMessage acknowledgement(ByteBufAllocator alloc, long sequence) {
        return control(RtmpMessage.ACKNOWLEDGEMENT, alloc.buffer(4).writeInt((int) sequence));
    }

    public static RtmpMessage windowAckSize(ByteBufAllocator alloc, long size) {
        return control(RtmpMessage.WINDOW_ACK_SIZE, alloc.buffer(4).writeInt((int) size));
    }

    /** @param limitType 0 hard, 1 soft, 2 dynamic */
    public static RtmpMessage setPeerBandwidth(ByteBufAllocator alloc, long size, int limitType) {
        return control(RtmpMessage.SET_PEER_BANDWIDTH, alloc.buffer(5).writeInt((int) size).writeByte(limitType));
    }

    public static RtmpMessage streamBegin(ByteBufAllocator alloc, int messageStreamId) {
        return userControl(alloc, STREAM_BEGIN, messageStreamId);
    }

    public static RtmpMessage streamEof(ByteBufAllocator alloc, int messageStreamId) {
        return userControl(alloc, STREAM_EOF, messageStreamId);
    }

    public static RtmpMessage pingResponse(ByteBufAllocator alloc, int timestamp) {
        return userControl(alloc, PING_RESPONSE, timestamp);
    }

    private static RtmpMessage userControl(ByteBufAllocator alloc, int event, int value) {
        return control(RtmpMessage.USER_CONTROL, alloc.buffer(6).writeShort(event).writeInt(value));
    }

    private static RtmpMessage control(int type, ByteBuf body) {
        return new RtmpMessage(CSID, type, 0, 0, body);
    }
}
