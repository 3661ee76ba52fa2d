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
    void filesOfTheStreamsHlsDirectory() {
        assertThat(MediaPath.parse("/live/demo/17.ts")).isEqualTo(new MediaPath("live", "demo", Protocol.HLS,
                new MediaPath.Resource(MediaPath.Kind.TS_SEGMENT, 17, -1)));
        assertThat(MediaPath.parse("/live/demo/ll.m3u8")).isEqualTo(new MediaPath("live", "demo", Protocol.LL_HLS));
        assertThat(MediaPath.parse("/live/demo/5.m4s")).isEqualTo(new MediaPath("live", "demo", Protocol.LL_HLS,
                new MediaPath.Resource(MediaPath.Kind.CMAF_SEGMENT, 5, -1)));
        assertThat(MediaPath.parse("/live/demo/5.3.m4s")).isEqualTo(new MediaPath("live", "demo", Protocol.LL_HLS,
                new MediaPath.Resource(MediaPath.Kind.CMAF_PART, 5, 3)));
        assertThat(MediaPath.parse("/live/demo/init2.mp4")).isEqualTo(new MediaPath("live", "demo", Protocol.LL_HLS,
                new MediaPath.Resource(MediaPath.Kind.INIT, 2, -1)));
        assertThat(MediaPath.parse("/live/demo.m3u8").isResource()).isFalse();
        for (String bad : new String[]{"/live/demo/x.ts", "/live/demo/-1.ts", "/live/demo/.ts", "/live/demo/1.flv",
                "/live//1.ts", "/live/demo/1234567890123456789.ts", "/live/demo/1.2.3.m4s", "/live/demo/init.mp4",
                "/live/demo/LL.m3u8", "/live/demo/x.m3u8", "//demo/1.ts"}) {
            assertThat(MediaPath.parse(bad)).as(bad).isNull();
        }
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
