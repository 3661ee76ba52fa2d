package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Walks the enhanced-RTMP extended header shared by video and audio tags: skips ModEx blocks, steps into a
 * Multitrack header, and yields the packet type and FourCC. Reads with absolute indexes from {@code start}.
 */
final class ExHeaderReader {
    static final int PACKET_TYPE_MULTITRACK_VIDEO = 6;
    static final int PACKET_TYPE_MULTITRACK_AUDIO = 5;
    static final int PACKET_TYPE_MODEX = 7;
    private static final int MANY_TRACKS_MANY_CODECS = 2;

    int packetType;
    int fourCc;
    boolean multitrack;
    /** Index just after the FourCC. */
    int end;

    /**
     * @param packetType the packet type nibble of the first byte
     * @param index      where the bytes after the first byte start
     */
    static ExHeaderReader read(ByteBuf body, int packetType, int index, int multitrackType) {
        ExHeaderReader r = new ExHeaderReader();
        int limit = body.writerIndex();
        while (packetType == PACKET_TYPE_MODEX) {
            int size = byteAt(body, index++, limit) + 1;
            if (size == 256) {
                size = ((byteAt(body, index, limit) << 8) | byteAt(body, index + 1, limit)) + 1;
                index += 2;
            }
            index += size;
            packetType = byteAt(body, index++, limit) & 0x0f;
        }
        if (packetType == multitrackType) {
            r.multitrack = true;
            int b = byteAt(body, index++, limit);
            int trackMode = b >> 4;
            packetType = b & 0x0f;
            if (trackMode == MANY_TRACKS_MANY_CODECS) {
                index++; // the first track's id comes before its FourCC in this mode
            }
        }
        if (index + 4 > limit) {
            throw new MediaProtocolException("enhanced RTMP header truncated");
        }
        r.packetType = packetType;
        r.fourCc = body.getInt(index);
        r.end = index + 4;
        return r;
    }

    private static int byteAt(ByteBuf body, int index, int limit) {
        if (index >= limit) {
            throw new MediaProtocolException("enhanced RTMP header truncated");
        }
        return body.getUnsignedByte(index);
    }
}
