package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * What an H.264 or HEVC decoder configuration record (the video sequence header of FLV/RTMP) tells a muxer that
 * writes Annex B: how long the NAL unit length prefixes of the coded frames are, and the parameter set NAL units
 * (VPS/SPS/PPS) to repeat before every keyframe.
 *
 * @param nalLengthSize 1, 2 or 4 bytes
 * @param nalUnits      the parameter sets in record order, each without a start code
 */
public record ParameterSets(VideoCodec codec, int nalLengthSize, List<byte[]> nalUnits) {

    /** Parses an AVCDecoderConfigurationRecord (ISO 14496-15 §5.3.3) starting at {@code index}. */
    public static ParameterSets avc(ByteBuf body, int index) {
        int limit = body.writerIndex();
        need(index + 6 <= limit, "AVC decoder configuration record truncated");
        if (body.getUnsignedByte(index) != 1) {
            throw new MediaProtocolException("AVC decoder configuration record version " + body.getUnsignedByte(index));
        }
        int lengthSize = (body.getUnsignedByte(index + 4) & 0x03) + 1;
        List<byte[]> units = new ArrayList<>();
        int i = index + 5;
        int spsCount = body.getUnsignedByte(i++) & 0x1f;
        i = readUnits(body, i, spsCount, units);
        need(i < limit, "AVC decoder configuration record has no PPS count");
        int ppsCount = body.getUnsignedByte(i++);
        readUnits(body, i, ppsCount, units);
        return new ParameterSets(VideoCodec.AVC, checkLength(lengthSize), List.copyOf(units));
    }

    /** Parses an HEVCDecoderConfigurationRecord (ISO 14496-15 §8.3.3) starting at {@code index}. */
    public static ParameterSets hevc(ByteBuf body, int index) {
        int limit = body.writerIndex();
        need(index + 23 <= limit, "HEVC decoder configuration record truncated");
        int lengthSize = (body.getUnsignedByte(index + 21) & 0x03) + 1;
        int arrays = body.getUnsignedByte(index + 22);
        List<byte[]> units = new ArrayList<>();
        int i = index + 23;
        for (int a = 0; a < arrays; a++) {
            need(i + 3 <= limit, "HEVC decoder configuration record truncated");
            int count = body.getUnsignedShort(i + 1);
            i = readUnits(body, i + 3, count, units);
        }
        return new ParameterSets(VideoCodec.HEVC, checkLength(lengthSize), List.copyOf(units));
    }

    private static int readUnits(ByteBuf body, int i, int count, List<byte[]> into) {
        int limit = body.writerIndex();
        for (int n = 0; n < count; n++) {
            need(i + 2 <= limit, "parameter set length truncated");
            int len = body.getUnsignedShort(i);
            i += 2;
            need(len > 0 && i + len <= limit, "parameter set truncated");
            byte[] unit = new byte[len];
            body.getBytes(i, unit);
            into.add(unit);
            i += len;
        }
        return i;
    }

    private static int checkLength(int lengthSize) {
        if (lengthSize == 3) {
            throw new MediaProtocolException("NAL unit length size 3 is not allowed");
        }
        return lengthSize;
    }

    private static void need(boolean ok, String what) {
        if (!ok) {
            throw new MediaProtocolException(what);
        }
    }
}
