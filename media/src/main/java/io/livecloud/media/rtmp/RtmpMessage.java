package io.livecloud.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;

/**
 * One complete RTMP message (RTMP spec §6.1) as the chunk layer delivers it: header fields plus the
 * reassembled body. Owns {@link #payload()}: releasing the message releases the body.
 */
public final class RtmpMessage extends AbstractReferenceCounted {
    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACKNOWLEDGEMENT = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA_AMF3 = 15;
    public static final int COMMAND_AMF3 = 17;
    public static final int DATA_AMF0 = 18;
    public static final int COMMAND_AMF0 = 20;
    public static final int AGGREGATE = 22;

    private final int chunkStreamId;
    private final int typeId;
    private final long timestamp;
    private final int messageStreamId;
    private final ByteBuf payload;

    /**
     * @param timestamp absolute message timestamp in milliseconds (unsigned 32-bit value held in a long)
     */
    public RtmpMessage(int chunkStreamId, int typeId, long timestamp, int messageStreamId, ByteBuf payload) {
        this.chunkStreamId = chunkStreamId;
        this.typeId = typeId;
        this.timestamp = timestamp;
        this.messageStreamId = messageStreamId;
        this.payload = payload;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public int typeId() {
        return typeId;
    }

    public long timestamp() {
        return timestamp;
    }

    public int messageStreamId() {
        return messageStreamId;
    }

    public ByteBuf payload() {
        return payload;
    }

    @Override
    protected void deallocate() {
        payload.release();
    }

    @Override
    public RtmpMessage touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public RtmpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "RtmpMessage{csid=" + chunkStreamId + ", type=" + typeId + ", ts=" + timestamp
                + ", msid=" + messageStreamId + ", len=" + payload.readableBytes() + '}';
    }

}
