package io.livecloud.media.flv;

import io.netty.buffer.ByteBuf;

/** The parts of an FLV tag around its body. */
public final class FlvTagWriter {
    public static final int TAG_HEADER_SIZE = 11;

    private FlvTagWriter() {
    }

    /** Type, data size, timestamp (low 24 bits, then the upper 8 bits) and stream id 0. */
    public static void writeTagHeader(ByteBuf out, int tagType, int dataSize, long timestampMs) {
        out.writeByte(tagType);
        out.writeMedium(dataSize);
        out.writeMedium((int) (timestampMs & 0xFFFFFF));
        out.writeByte((int) ((timestampMs >> 24) & 0xFF));
        out.writeMedium(0);
    }

    public static void writePreviousTagSize(ByteBuf out, int dataSize) {
        out.writeInt(dataSize + TAG_HEADER_SIZE);
    }
}
