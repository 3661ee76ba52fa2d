package io.livecloud.media.http;

import io.livecloud.media.Protocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MediaPathTest {
    @Test
    void flvPath() {
        assertThat(MediaPath.parse("/live/demo.flv")).isEqualTo(new MediaPath("live", "demo", Protocol.HTTP_FLV));
        assertThat(MediaPath.parse("/live/demo_lld.m3u8")).isEqualTo(new MediaPath("live", "demo_lld", Protocol.HLS));
    }

    @Test
    void hlsSegmentPath() {
        assertThat(MediaPath.parse("/live/demo/17.ts")).isEqualTo(new MediaPath("live", "demo", Protocol.HLS, 17));
        assertThat(MediaPath.parse("/live/demo/0.ts").isSegment()).isTrue();
        assertThat(MediaPath.parse("/live/demo.m3u8").isSegment()).isFalse();
        assertThat(MediaPath.parse("/live/demo/x.ts")).isNull();
        assertThat(MediaPath.parse("/live/demo/-1.ts")).isNull();
        assertThat(MediaPath.parse("/live/demo/.ts")).isNull();
        assertThat(MediaPath.parse("/live/demo/1.flv")).isNull();
        assertThat(MediaPath.parse("/live//1.ts")).isNull();
        assertThat(MediaPath.parse("/live/demo/1234567890123456789.ts")).isNull();
    }

    @Test
    void refusesOtherShapes() {
        assertThat(MediaPath.parse("/demo.flv")).isNull();
        assertThat(MediaPath.parse("/a/b/demo.flv")).isNull();
        assertThat(MediaPath.parse("/a/b/c/1.ts")).isNull();
        assertThat(MediaPath.parse("/live/.flv")).isNull();
        assertThat(MediaPath.parse("//demo.flv")).isNull();
        assertThat(MediaPath.parse("/live/demo.mp4")).isNull();
        assertThat(MediaPath.parse("live/demo.flv")).isNull();
    }
}
