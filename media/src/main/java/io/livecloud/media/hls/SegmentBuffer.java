package io.livecloud.media.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * The transport stream packets of the segment being written, in fixed-size pooled chunks so a segment grows
 * without copying; {@link #finish()} wraps the chunks into one buffer without copying either.
 */
final class SegmentBuffer implements TsMuxer.Output {
    private static final int CHUNK = TsMuxer.PACKET_SIZE * 87; // 16 356 bytes

    private final ByteBufAllocator alloc;
    private final List<ByteBuf> chunks = new ArrayList<>();
    private ByteBuf current;
    private int size;

    SegmentBuffer(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    @Override
    public ByteBuf packet() {
        if (current == null || current.writableBytes() < TsMuxer.PACKET_SIZE) {
            current = alloc.buffer(CHUNK, CHUNK);
            chunks.add(current);
        }
        size += TsMuxer.PACKET_SIZE;
        return current;
    }

    int size() {
        return size;
    }

    /** The segment's bytes; this buffer is empty afterwards and the caller owns the result. */
    ByteBuf finish() {
        CompositeByteBuf all = alloc.compositeBuffer(Math.max(1, chunks.size()));
        all.addComponents(true, chunks);
        chunks.clear();
        current = null;
        size = 0;
        return all;
    }

    void discard() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
        current = null;
        size = 0;
    }
}
