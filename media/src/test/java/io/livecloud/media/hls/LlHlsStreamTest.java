package io.livecloud.media.hls;

import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LlHlsStreamTest {
    private final MediaMetrics metrics = new MediaMetrics();
    private final HlsStream hls = new HlsStream(new StreamKey("d", "live", "s"), HlsSettings.defaults().withWindowSegments(2), metrics);
    private final LlHlsStream ll = hls.ll();
    private final HlsPackager writer = new HlsPackager(hls, null, null, HlsSettings.defaults(), metrics,
            ByteBufAllocator.DEFAULT, p -> {
    });

    private static ByteBuf bytes(int n) {
        return ByteBufAllocator.DEFAULT.buffer(n).writeZero(n);
    }

    private void segment(boolean discontinuity, int init, int parts) {
        ll.startSegment(writer, discontinuity, init, 0);
        for (int i = 0; i < parts; i++) {
            ll.addPart(writer, 480, i == 0, bytes(100));
        }
    }

    @Test
    void blockingReloadIsAnsweredWhenThePartOrALaterOneExists() {
        ll.addInit(writer, 0, bytes(50));
        segment(false, 0, 2);
        assertThat(ll.holds(0, 1)).isTrue();
        assertThat(ll.holds(0, 2)).isFalse();
        assertThat(ll.holds(0, -1)).as("the whole segment is not finished").isFalse();
        ll.completeSegment(writer, 960, ByteBufAllocator.DEFAULT);
        assertThat(ll.holds(0, -1)).isTrue();
        assertThat(ll.holds(0, 2)).as("past the end of a finished segment: the next one's first part").isFalse();
        segment(false, 0, 1);
        assertThat(ll.holds(0, 2)).isTrue();
        assertThat(ll.holds(1, 0)).isTrue();
        assertThat(ll.holds(2, 0)).isFalse();
        ByteBuf whole = ll.media(0, -1);
        assertThat(whole.readableBytes()).as("a segment is its parts").isEqualTo(200);
        whole.release();
        hls.release();
        assertThat(metrics.hlsSegmentBytes.sum()).isZero();
    }

    @Test
    void thePlaylistListsPartsOfTheNewestSegmentsAndHintsTheNextPart() {
        ll.addInit(writer, 0, bytes(50));
        segment(false, 0, 4);
        ll.completeSegment(writer, 1920, ByteBufAllocator.DEFAULT);
        ll.addInit(writer, 1, bytes(50));
        segment(true, 1, 1);
        String text = ll.render("/live/s/", path -> "?k=" + path.length());
        assertThat(text).contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500")
                .contains("#EXT-X-PART-INF:PART-TARGET=0.500")
                .contains("#EXT-X-MAP:URI=\"init0.mp4?k=17\"")
                .contains("#EXT-X-PART:DURATION=0.480,URI=\"0.0.m4s?k=15\",INDEPENDENT=YES\n")
                .contains("#EXT-X-PART:DURATION=0.480,URI=\"0.3.m4s?k=15\"\n")
                .contains("#EXTINF:1.920,\n0.m4s?k=13\n")
                .contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init1.mp4?k=17\"")
                .endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"1.1.m4s?k=15\"\n");
        ll.completeSegment(writer, 480, ByteBufAllocator.DEFAULT);
        hls.end(writer, 0);
        assertThat(ll.render("/live/s/", path -> "")).endsWith("#EXT-X-ENDLIST\n").doesNotContain("PRELOAD-HINT");
        hls.release();
    }

    @Test
    void oldSegmentsAndTheirInitSegmentsAreFreedAndWaitersWoken() {
        AtomicInteger changes = new AtomicInteger();
        ll.addWaiter(changes::incrementAndGet);
        for (int s = 0; s < 8; s++) {
            ll.addInit(writer, s, bytes(50));
            segment(false, s, 2);
            ll.completeSegment(writer, 960, ByteBufAllocator.DEFAULT);
        }
        assertThat(changes.get()).isGreaterThanOrEqualTo(8 * 3);
        assertThat(ll.media(0, 0)).as("beyond the window and the two kept after it").isNull();
        assertThat(ll.init(0)).isNull();
        ByteBuf init = ll.init(7);
        assertThat(init).isNotNull();
        init.release();
        assertThat(ll.bytes()).isEqualTo(5 * 200);
        hls.release();
        assertThat(metrics.hlsSegmentBytes.sum()).isZero();
    }
}
