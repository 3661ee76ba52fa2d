package io.livecloud.media.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A per-protocol encoding of a frame's shared part — everything that is the same for every player — cached on the
 * frame ({@link MediaFrame#encoded}). Each output protocol owns one slot.
 */
public interface FrameEncoding {
    int SLOTS = 3;
    int RTMP_SLOT = 0;
    int FLV_SLOT = 1;

    int slot();

    /** Builds a new buffer (the frame keeps it); must not consume the frame body's readerIndex. */
    ByteBuf encode(ByteBufAllocator alloc, MediaFrame frame);
}
