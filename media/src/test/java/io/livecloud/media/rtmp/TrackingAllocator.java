package io.livecloud.media.rtmp;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hands out unpooled buffers and remembers each, so a test can check that every buffer the code under test
 * allocated has been released, without waiting for the leak detector's garbage collection.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    int allocations() {
        return allocated.size();
    }

    /** Bytes held by buffers not yet released. */
    long capacityInUse() {
        long total = 0;
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() > 0) {
                total += buf.capacity();
            }
        }
        return total;
    }

    void assertAllReleased() {
        for (ByteBuf buf : allocated) {
            assertThat(buf.refCnt()).as("buffer allocated by the code under test is released").isZero();
        }
    }
}
