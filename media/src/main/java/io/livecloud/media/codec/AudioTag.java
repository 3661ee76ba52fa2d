package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The header of an FLV/RTMP audio tag body: legacy ({@code soundFormat<<4 | rate/size/type}; AAC has a packet type
 * byte) or enhanced RTMP audio (sound format 9, packet type, FourCC such as {@code Opus}). Reads by absolute index.
 */
public record AudioTag(AudioCodec codec, boolean sequenceHeader, boolean enhanced, int dataOffset) {
    private static final int LEGACY_MP3 = 2;
    private static final int LEGACY_AAC = 10;
    private static final int EX_HEADER = 9;
    private static final int SEQUENCE_START = 0;
    private static final int MULTICHANNEL_CONFIG = 4;

    public static AudioTag parse(ByteBuf body) {
        int i = body.readerIndex();
        if (body.readableBytes() < 1) {
            throw new MediaProtocolException("empty audio tag");
        }
        int first = body.getUnsignedByte(i);
        int format = first >> 4;
        if (format == EX_HEADER) {
            ExHeaderReader ex = ExHeaderReader.read(body, first & 0x0f, i + 1, ExHeaderReader.PACKET_TYPE_MULTITRACK_AUDIO);
            boolean config = ex.packetType == SEQUENCE_START || ex.packetType == MULTICHANNEL_CONFIG;
            return new AudioTag(AudioCodec.ofFourCc(ex.fourCc), config, true, ex.end - i);
        }
        if (format == LEGACY_AAC) {
            if (body.readableBytes() < 2) {
                throw new MediaProtocolException("AAC audio tag without its packet type");
            }
            return new AudioTag(AudioCodec.AAC, body.getUnsignedByte(i + 1) == 0, false, 2);
        }
        return new AudioTag(format == LEGACY_MP3 ? AudioCodec.MP3 : AudioCodec.OTHER, false, false, 1);
    }
}
