package io.livecloud.media.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** The FLV file header (9 bytes) followed by PreviousTagSize0. */
public final class FlvHeader {
    public static final int SIZE = 13;

    private FlvHeader() {
    }

    public static ByteBuf write(ByteBufAllocator alloc, boolean hasAudio, boolean hasVideo) {
        ByteBuf out = alloc.buffer(SIZE);
        out.writeByte('F').writeByte('L').writeByte('V').writeByte(1);
        out.writeByte((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0));
        out.writeInt(9);
        out.writeInt(0);
        return out;
    }
}
