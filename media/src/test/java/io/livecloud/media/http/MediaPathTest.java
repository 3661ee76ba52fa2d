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
    void refusesOtherShapes() {
        assertThat(MediaPath.parse("/demo.flv")).isNull();
        assertThat(MediaPath.parse("/a/b/demo.flv")).isNull();
        assertThat(MediaPath.parse("/live/.flv")).isNull();
        assertThat(MediaPath.parse("//demo.flv")).isNull();
        assertThat(MediaPath.parse("/live/demo.mp4")).isNull();
        assertThat(MediaPath.parse("live/demo.flv")).isNull();
    }
}
