package io.livecloud.media.hls;

import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.codec.AacConfig;
import io.livecloud.media.codec.ParameterSets;
import io.livecloud.media.codec.VideoCodec;
import io.netty.buffer.ByteBuf;

/**
 * Turns FLV/RTMP frame payloads into the elementary stream access units MPEG-TS carries: length-prefixed H.264/HEVC
 * NAL units become Annex B with an access unit delimiter first and the parameter sets before every keyframe (so a
 * player may start at any segment), and raw AAC frames get an ADTS header.
 */
final class AccessUnits {
    private static final byte[] START_CODE = {0, 0, 0, 1};
    private static final byte[] AVC_AUD = {0x09, (byte) 0xF0};
    private static final byte[] HEVC_AUD = {0x46, 0x01, 0x50};

    private AccessUnits() {
    }

    /**
     * @param from index of the first NAL unit's length prefix in {@code body}
     * @throws MediaProtocolException when a NAL unit length runs past the frame
     */
    static void writeVideo(ByteBuf out, ByteBuf body, int from, ParameterSets ps, boolean keyframe) {
        boolean hevc = ps.codec() == VideoCodec.HEVC;
        int end = body.writerIndex();
        int lengthSize = ps.nalLengthSize();
        boolean inlineParameterSets = false;
        for (int i = from; i < end; ) {
            int len = nalLength(body, i, lengthSize, end);
            int type = nalType(body.getUnsignedByte(i + lengthSize), hevc);
            inlineParameterSets |= hevc ? type >= 32 && type <= 34 : type == 7 || type == 8;
            i += lengthSize + len;
        }
        out.writeBytes(START_CODE).writeBytes(hevc ? HEVC_AUD : AVC_AUD);
        if (keyframe && !inlineParameterSets) {
            for (byte[] unit : ps.nalUnits()) {
                out.writeBytes(START_CODE).writeBytes(unit);
            }
        }
        for (int i = from; i < end; ) {
            int len = nalLength(body, i, lengthSize, end);
            int type = nalType(body.getUnsignedByte(i + lengthSize), hevc);
            if (type != (hevc ? 35 : 9)) { // the publisher's own delimiters: ours is already there
                out.writeBytes(START_CODE).writeBytes(body, i + lengthSize, len);
            }
            i += lengthSize + len;
        }
    }

    static void writeAac(ByteBuf out, ByteBuf body, int from, AacConfig config) {
        int length = body.writerIndex() - from;
        config.writeAdtsHeader(out, length);
        out.writeBytes(body, from, length);
    }

    private static int nalLength(ByteBuf body, int i, int lengthSize, int end) {
        if (i + lengthSize > end) {
            throw new MediaProtocolException("NAL unit length prefix truncated");
        }
        int len = switch (lengthSize) {
            case 1 -> body.getUnsignedByte(i);
            case 2 -> body.getUnsignedShort(i);
            default -> body.getInt(i);
        };
        if (len <= 0 || len > end - i - lengthSize) {
            throw new MediaProtocolException("NAL unit of " + len + " bytes runs past its frame");
        }
        return len;
    }

    private static int nalType(int firstByte, boolean hevc) {
        return hevc ? (firstByte >> 1) & 0x3f : firstByte & 0x1f;
    }
}
