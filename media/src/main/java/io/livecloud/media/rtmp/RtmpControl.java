package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Protocol control messages (RTMP spec §5.4, types 1–6) and User Control events (§6.2, type 4): factories for what a
 * server sends, all on chunk stream 2 and message stream 0 with timestamp 0, and a parser for the User Control
 * events a client sends (answer a {@link #PING_REQUEST} with {@link #pingResponse}).
 */
public final class RtmpControl {
    public static final int CHUNK_STREAM_ID = 2;

    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    /** Set Peer Bandwidth limit types. */
    public static final int LIMIT_HARD = 0;
    public static final int LIMIT_SOFT = 1;
    public static final int LIMIT_DYNAMIC = 2;

    /** Largest chunk size we send or accept: the spec allows 2^31-1, no real peer needs more than a message. */
    public static final int MAX_CHUNK_SIZE = 0xFFFFFF;

    private RtmpControl() {
    }

    /** @param size 1..{@value #MAX_CHUNK_SIZE} */
    public static RtmpMessage setChunkSize(ByteBufAllocator alloc, int size) {
        if (size < 1 || size > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size out of range: " + size);
        }
        return control(RtmpMessage.SET_CHUNK_SIZE, alloc.buffer(4).writeInt(size));
    }

    /** @param sequenceNumber bytes received so far; only its low 32 bits are sent */
    public static RtmpMessage acknowledgement(ByteBufAllocator alloc, long sequenceNumber) {
        return control(RtmpMessage.ACKNOWLEDGEMENT, alloc.buffer(4).writeInt((int) sequenceNumber));
    }

    public static RtmpMessage windowAckSize(ByteBufAllocator alloc, long windowSize) {
        int size = unsigned32(windowSize);
        return control(RtmpMessage.WINDOW_ACK_SIZE, alloc.buffer(4).writeInt(size));
    }

    /** @param limitType {@link #LIMIT_HARD}, {@link #LIMIT_SOFT} or {@link #LIMIT_DYNAMIC} */
    public static RtmpMessage setPeerBandwidth(ByteBufAllocator alloc, long windowSize, int limitType) {
        if (limitType < LIMIT_HARD || limitType > LIMIT_DYNAMIC) {
            throw new IllegalArgumentException("limit type out of range: " + limitType);
        }
        int size = unsigned32(windowSize);
        return control(RtmpMessage.SET_PEER_BANDWIDTH, alloc.buffer(5).writeInt(size).writeByte(limitType));
    }

    public static RtmpMessage streamBegin(ByteBufAllocator alloc, int messageStreamId) {
        return userControl(alloc, STREAM_BEGIN, messageStreamId);
    }

    public static RtmpMessage streamEof(ByteBufAllocator alloc, int messageStreamId) {
        return userControl(alloc, STREAM_EOF, messageStreamId);
    }

    public static RtmpMessage streamDry(ByteBufAllocator alloc, int messageStreamId) {
        return userControl(alloc, STREAM_DRY, messageStreamId);
    }

    public static RtmpMessage streamIsRecorded(ByteBufAllocator alloc, int messageStreamId) {
        return userControl(alloc, STREAM_IS_RECORDED, messageStreamId);
    }

    public static RtmpMessage pingRequest(ByteBufAllocator alloc, int timestamp) {
        return userControl(alloc, PING_REQUEST, timestamp);
    }

    /** @param timestamp the value of the ping request being answered */
    public static RtmpMessage pingResponse(ByteBufAllocator alloc, int timestamp) {
        return userControl(alloc, PING_RESPONSE, timestamp);
    }

    /**
     * One User Control event.
     *
     * @param type         the event type ({@link #STREAM_BEGIN} … {@link #PING_RESPONSE}, or another value)
     * @param value        the first 4-byte field: a message stream id for stream events, a timestamp for pings;
     *                     0 when an event of unknown type carries fewer than 4 bytes
     * @param bufferLength for {@link #SET_BUFFER_LENGTH}, the client's buffer in milliseconds; otherwise 0
     */
    public record UserControlEvent(int type, int value, long bufferLength) {
    }

    /**
     * Reads a User Control message body without consuming it.
     *
     * @throws MediaProtocolException when the body is shorter than its event type requires
     */
    public static UserControlEvent parseUserControl(ByteBuf body) {
        int at = body.readerIndex();
        int available = body.readableBytes();
        if (available < 2) {
            throw new MediaProtocolException("user control message of " + available + " bytes");
        }
        int type = body.getUnsignedShort(at);
        int required = switch (type) {
            case SET_BUFFER_LENGTH -> 10;
            case STREAM_BEGIN, STREAM_EOF, STREAM_DRY, STREAM_IS_RECORDED, PING_REQUEST, PING_RESPONSE -> 6;
            default -> 2;
        };
        if (available < required) {
            throw new MediaProtocolException("user control event " + type + " needs " + required + " bytes, has " + available);
        }
        int value = available >= 6 ? body.getInt(at + 2) : 0;
        long bufferLength = type == SET_BUFFER_LENGTH ? body.getUnsignedInt(at + 6) : 0;
        return new UserControlEvent(type, value, bufferLength);
    }

    private static RtmpMessage userControl(ByteBufAllocator alloc, int type, int value) {
        return control(RtmpMessage.USER_CONTROL, alloc.buffer(6).writeShort(type).writeInt(value));
    }

    private static RtmpMessage control(int typeId, ByteBuf body) {
        return new RtmpMessage(CHUNK_STREAM_ID, typeId, 0, 0, body);
    }

    private static int unsigned32(long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an unsigned 32-bit value: " + value);
        }
        return (int) value;
    }
}
