package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VideoDimensionsTest {
    @Test
    void readsTheSizeOfRealEncoderOutput() {
        // libx264 main profile 640x360 (cropped from 640x368), as ffmpeg 8.1 wrote it for the test fixtures
        byte[] x264 = HexFormat.of().parseHex("674d401eeca05017fcb808800000030080000019078b16cb");
        assertThat(VideoDimensions.ofH264Sps(x264)).isEqualTo(new VideoDimensions(640, 360));
        // libx264 high profile 1920x1080 (cropped from 1088), and High 4:4:4 854x480 (crop unit 1 in 4:4:4)
        assertThat(VideoDimensions.ofH264Sps(HexFormat.of().parseHex(
                "67640028acd940780227e5c044000003000400000300c83c60c658"))).isEqualTo(new VideoDimensions(1920, 1080));
        assertThat(VideoDimensions.ofH264Sps(HexFormat.of().parseHex(
                "67f4001e919b281b07bc5f80880000030008000003019078b16cb0"))).isEqualTo(new VideoDimensions(854, 480));
        // libx265 1920x1080 (conformance window)
        assertThat(VideoDimensions.ofHevcSps(HexFormat.of().parseHex(
                "420101016000000300900000030000030078a003c08010e596566924caf0168080000003008000000c84")))
                .isEqualTo(new VideoDimensions(1920, 1080));
    }

    @Test
    void truncatedOrAbsurdSpsIsAProtocolError() {
        assertThatThrownBy(() -> VideoDimensions.ofH264Sps(new byte[]{0x67, 0x4d})).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> VideoDimensions.ofHevcSps(new byte[]{0x42, 0x01, 0x01})).isInstanceOf(MediaProtocolException.class);
    }
}
