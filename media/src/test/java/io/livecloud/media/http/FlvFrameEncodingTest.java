package io.livecloud.media.http;

import io.livecloud.media.hub.MediaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FlvFrameEncodingTest {
    @Test
    void aTagIsOneHttpChunkWithTheRightSizeLine() {
        for (int size : new int[]{1, 9, 240, 4081, 70_000}) {
            MediaFrame frame = new MediaFrame(MediaFrame.VIDEO, 0, Unpooled.wrappedBuffer(new byte[size]), true, false);
            ByteBuf start = FlvFrameEncoding.tagStart(ByteBufAllocator.DEFAULT, frame, 0x01020304L);
            ByteBuf shared = frame.encoded(FlvFrameEncoding.INSTANCE, ByteBufAllocator.DEFAULT);
            String line = start.toString(StandardCharsets.US_ASCII);
            String sizeLine = line.substring(0, line.indexOf("\r\n"));
            int headerStart = sizeLine.length() + 2;
            assertThat(Integer.parseInt(sizeLine, 16)).isEqualTo(11 + size + 4);
            assertThat(start.readableBytes() - headerStart + shared.readableBytes()).isEqualTo(11 + size + 4 + 2);
            // timestamp: low 24 bits, then the extension byte
            assertThat(start.getMedium(headerStart + 4)).isEqualTo(0x020304);
            assertThat(start.getByte(headerStart + 7)).isEqualTo((byte) 0x01);
            assertThat(shared.getInt(shared.writerIndex() - 6)).isEqualTo(size + 11);
            start.release();
            shared.release();
            frame.release();
        }
    }
}
