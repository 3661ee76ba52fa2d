package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The header of an FLV/RTMP video tag body: legacy ({@code frameType<<4 | codecId}, AVC = 7 and the codec-id-12 HEVC
 * many encoders in China send, both followed by a packet type and composition time) or enhanced RTMP (IsExHeader bit,
 * packet type, FourCC). Parsing reads by absolute index and leaves the buffer's indexes alone.
 *
 * @param frameType       1 key, 2 inter, 3 disposable, 4 generated key, 5 command
 * @param dataOffset      where the codec payload (AVCC/HVCC NAL units, a decoder configuration record) starts,
 *                        relative to the body's readerIndex
 * @param compositionTime presentation minus decoding time in ms (B-frames), 0 when the tag has none
 */
public record VideoTag(VideoCodec codec, int frameType, boolean sequenceHeader, boolean codedFrame, boolean enhanced,
                       int dataOffset, int compositionTime) {
    public static final int KEY_FRAME = 1;
    private static final int LEGACY_AVC = 7;
    private static final int LEGACY_HEVC = 12;
    private static final int SEQUENCE_START = 0;
    private static final int CODED_FRAMES = 1;
    private static final int CODED_FRAMES_X = 3;
    private static final int MPEG2TS_SEQUENCE_START = 5;

    public static VideoTag parse(ByteBuf body) {
        int i = body.readerIndex();
        if (body.readableBytes() < 1) {
            throw new MediaProtocolException("empty video tag");
        }
        int first = body.getUnsignedByte(i);
        if ((first & 0x80) != 0) {
            int frameType = (first >> 4) & 0x07;
            ExHeaderReader ex = ExHeaderReader.read(body, first & 0x0f, i + 1, ExHeaderReader.PACKET_TYPE_MULTITRACK_VIDEO);
            VideoCodec codec = VideoCodec.ofFourCc(ex.fourCc);
            boolean sequence = ex.packetType == SEQUENCE_START || ex.packetType == MPEG2TS_SEQUENCE_START;
            boolean coded = ex.packetType == CODED_FRAMES || ex.packetType == CODED_FRAMES_X;
            int offset = ex.end - i;
            int cts = 0;
            if (ex.packetType == CODED_FRAMES && (codec == VideoCodec.AVC || codec == VideoCodec.HEVC)) {
                cts = int24(body, ex.end);
                offset += 3;
            }
            return new VideoTag(codec, frameType, sequence, coded, true, offset, cts);
        }
        int frameType = first >> 4;
        int codecId = first & 0x0f;
        if (codecId == LEGACY_AVC || codecId == LEGACY_HEVC) {
            if (body.readableBytes() < 2) {
                throw new MediaProtocolException("video tag without its packet type");
            }
            int packetType = body.getUnsignedByte(i + 1);
            VideoCodec codec = codecId == LEGACY_AVC ? VideoCodec.AVC : VideoCodec.HEVC;
            int cts = packetType == 1 && body.readableBytes() >= 5 ? int24(body, i + 2) : 0;
            return new VideoTag(codec, frameType, packetType == 0, packetType == 1, false, 5, cts);
        }
        return new VideoTag(VideoCodec.OTHER, frameType, false, true, false, 1, 0);
    }

    /** A signed 24-bit big-endian value, or 0 when the body ends first. */
    private static int int24(ByteBuf body, int index) {
        if (index + 3 > body.writerIndex()) {
            return 0;
        }
        return (body.getMedium(index) << 8) >> 8;
    }

    /** A picture a decoder can start from. */
    public boolean isKeyframe() {
        return frameType == KEY_FRAME && codedFrame && !sequenceHeader;
    }
}
