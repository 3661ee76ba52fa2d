package io.livecloud.media.http;

import io.livecloud.media.flv.FlvTagWriter;
import io.livecloud.media.hub.FrameEncoding;
import io.livecloud.media.hub.MediaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * HTTP-FLV over chunked transfer encoding, split so that only the timestamp is per player. One HTTP chunk per FLV
 * tag: {@code <size-hex>\r\n} + tag header (per player: holds the player's timestamp) + body +
 * PreviousTagSize + {@code \r\n} (shared: this encoding).
 */
final class FlvFrameEncoding implements FrameEncoding {
    static final FlvFrameEncoding INSTANCE = new FlvFrameEncoding();
    static final int TAG_HEADER_SIZE = 11;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Override
    public int slot() {
        return FLV_SLOT;
    }

    @Override
    public ByteBuf encode(ByteBufAllocator alloc, MediaFrame frame) {
        int size = frame.size();
        ByteBuf out = alloc.directBuffer(size + 4 + CRLF.length);
        out.writeBytes(frame.body(), frame.body().readerIndex(), size);
        FlvTagWriter.writePreviousTagSize(out, size);
        out.writeBytes(CRLF);
        return out;
    }

    /** The per-player start of a tag's chunk: chunk-size line and tag header. */
    static ByteBuf tagStart(ByteBufAllocator alloc, MediaFrame frame, long timestamp) {
        ByteBuf out = alloc.directBuffer(8 + CRLF.length + TAG_HEADER_SIZE);
        writeSizeLine(out, TAG_HEADER_SIZE + frame.size() + 4);
        FlvTagWriter.writeTagHeader(out, frame.type(), frame.size(), timestamp);
        return out;
    }

    /** {@code <size in hex>\r\n} without building a String: this runs per player per frame. */
    private static void writeSizeLine(ByteBuf out, int size) {
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(size) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(size >>> shift) & 0xf]);
        }
        out.writeBytes(CRLF);
    }

    /** Wraps a buffer (the FLV file header) as one HTTP chunk. */
    static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf content) {
        ByteBuf out = alloc.directBuffer(8 + 2 * CRLF.length + content.readableBytes());
        writeSizeLine(out, content.readableBytes());
        out.writeBytes(content).writeBytes(CRLF);
        content.release();
        return out;
    }

    /** The last chunk of a chunked body. */
    static ByteBuf lastChunk(ByteBufAllocator alloc) {
        return alloc.directBuffer(5).writeBytes(new byte[]{'0', '\r', '\n', '\r', '\n'});
    }

    private FlvFrameEncoding() {
    }
}
