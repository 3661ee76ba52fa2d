package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The fields of an AAC AudioSpecificConfig (ISO 14496-3 §1.6.2.1, the AAC sequence header of FLV/RTMP) that an
 * ADTS header repeats, and the ADTS header itself. HE-AAC (SBR/PS) is written as its AAC-LC core, which is how
 * ADTS carries it: decoders find the extension in the payload.
 *
 * @param objectType      audio object type (2 = AAC-LC)
 * @param frequencyIndex  sampling frequency index 0–12
 * @param channelConfig   channel configuration 1–7 (0 = in the program config element)
 */
public record AacConfig(int objectType, int frequencyIndex, int channelConfig) {
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
            8000, 7350};
    public static final int ADTS_HEADER_SIZE = 7;

    public static AacConfig parse(ByteBuf body, int index) {
        if (index + 2 > body.writerIndex()) {
            throw new MediaProtocolException("AAC AudioSpecificConfig truncated");
        }
        int bits = body.getUnsignedShort(index);
        int objectType = bits >> 11;
        int frequencyIndex = (bits >> 7) & 0x0f;
        int channels = (bits >> 3) & 0x0f;
        if (objectType == 31) {
            throw new MediaProtocolException("AAC object types above 31 cannot be carried in ADTS");
        }
        if (frequencyIndex > 12) {
            throw new MediaProtocolException("AAC sampling frequency index " + frequencyIndex + " cannot be carried in ADTS");
        }
        return new AacConfig(objectType, frequencyIndex, channels);
    }

    public int sampleRate() {
        return RATES[frequencyIndex];
    }

    /** Writes the 7-byte ADTS header (no CRC) for a raw AAC frame of {@code payloadLength} bytes. */
    public void writeAdtsHeader(ByteBuf out, int payloadLength) {
        int profile = (objectType >= 1 && objectType <= 4 ? objectType : 2) - 1;
        int frameLength = payloadLength + ADTS_HEADER_SIZE;
        out.writeByte(0xFF);
        out.writeByte(0xF1); // MPEG-4, layer 0, no CRC
        out.writeByte((profile << 6) | (frequencyIndex << 2) | ((channelConfig >> 2) & 0x01));
        out.writeByte(((channelConfig & 0x03) << 6) | ((frameLength >> 11) & 0x03));
        out.writeByte((frameLength >> 3) & 0xFF);
        out.writeByte(((frameLength & 0x07) << 5) | 0x1F);
        out.writeByte(0xFC); // buffer fullness 0x7FF (VBR), one raw data block
    }
}
