package io.livecloud.media.codec;

/** Audio codecs a publisher can send, legacy FLV sound formats and enhanced-RTMP FourCCs alike. */
public enum AudioCodec {
    AAC, MP3, OPUS, AC3, EAC3, FLAC, OTHER;

    static AudioCodec ofFourCc(int fourCc) {
        return switch (fourCc) {
            case 0x4f707573 -> OPUS; // Opus
            case 0x6d703461 -> AAC;  // mp4a
            case 0x61632d33 -> AC3;  // ac-3
            case 0x65632d33 -> EAC3; // ec-3
            case 0x664c6143 -> FLAC; // fLaC
            case 0x2e6d7033 -> MP3;  // .mp3
            default -> OTHER;
        };
    }
}
