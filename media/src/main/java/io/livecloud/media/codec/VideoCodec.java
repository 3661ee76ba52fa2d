package io.livecloud.media.codec;

/** Video codecs a publisher can send, legacy FLV ids and enhanced-RTMP FourCCs alike. */
public enum VideoCodec {
    AVC, HEVC, AV1, VP9, OTHER;

    static VideoCodec ofFourCc(int fourCc) {
        return switch (fourCc) {
            case 0x61766331 -> AVC;  // avc1
            case 0x68766331 -> HEVC; // hvc1
            case 0x61763031 -> AV1;  // av01
            case 0x76703039 -> VP9;  // vp09
            default -> OTHER;
        };
    }
}
