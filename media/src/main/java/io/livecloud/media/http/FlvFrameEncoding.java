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
        int chunkSize = TAG_HEADER_SIZE + frame.size() + 4;
        byte[] sizeLine = (Integer.toHexString(chunkSize) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = alloc.directBuffer(sizeLine.length + TAG_HEADER_SIZE);
        out.writeBytes(sizeLine);
        FlvTagWriter.writeTagHeader(out, frame.type(), frame.size(), timestamp);
        return out;
    }

    /** Wraps a buffer (the FLV file header) as one HTTP chunk. */
    static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf content) {
        byte[] sizeLine = (Integer.toHexString(content.readableBytes()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = alloc.directBuffer(sizeLine.length + content.readableBytes() + CRLF.length);
        out.writeBytes(sizeLine).writeBytes(content).writeBytes(CRLF);
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
