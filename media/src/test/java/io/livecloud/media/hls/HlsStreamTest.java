package io.livecloud.media.hls;

import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.MediaMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HlsStreamTest {
    private static final StreamKey KEY = new StreamKey("push.example.com", "live", "s");
    private final MediaMetrics metrics = new MediaMetrics();

    private static ByteBuf bytes(int n) {
        return ByteBufAllocator.DEFAULT.buffer(n).writeZero(n);
    }

    /** A packager identity only: these tests write segments directly. */
    private static HlsPackager writer(HlsStream stream) {
        return new HlsPackager(stream, null, null, HlsSettings.defaults(), new MediaMetrics(), ByteBufAllocator.DEFAULT, p -> {
        });
    }

    @Test
    void theWindowSlidesAndKeepsTwoSegmentsBeyondItFetchable() {
        HlsStream stream = new HlsStream(KEY, HlsSettings.defaults().withWindowSegments(3), metrics);
        HlsPackager w = writer(stream);
        for (int i = 0; i < 10; i++) {
            stream.add(w, 2000, false, 1_700_000_000_000L + i * 2000, bytes(188));
        }
        HlsPlaylist p = stream.playlist();
        assertThat(p.mediaSequence()).isEqualTo(7);
        assertThat(p.segments()).extracting(HlsPlaylist.Entry::sequence).containsExactly(7L, 8L, 9L);
        ByteBuf kept = stream.segment(5);
        assertThat(kept).as("left the playlist just now: still served").isNotNull();
        kept.release();
        assertThat(stream.segment(4)).isNull();
        assertThat(metrics.hlsSegmentBytes.sum()).isEqualTo(5 * 188);
        stream.release();
        assertThat(metrics.hlsSegmentBytes.sum()).isZero();
        assertThat(stream.segment(9)).isNull();
    }

    @Test
    void theDiscontinuitySequenceCountsTagsThatLeftTheWindow() {
        HlsStream stream = new HlsStream(KEY, HlsSettings.defaults().withWindowSegments(2), metrics);
        HlsPackager w = writer(stream);
        stream.add(w, 2000, false, 0, bytes(10));
        stream.add(w, 2000, true, 0, bytes(10));
        stream.add(w, 2000, false, 0, bytes(10));
        assertThat(stream.playlist().discontinuitySequence()).isZero();
        assertThat(stream.playlist().segments()).extracting(HlsPlaylist.Entry::discontinuity).containsExactly(true, false);
        stream.add(w, 2000, true, 0, bytes(10));
        assertThat(stream.playlist().discontinuitySequence()).isEqualTo(1);
        stream.add(w, 2000, false, 0, bytes(10));
        assertThat(stream.playlist().discontinuitySequence()).isEqualTo(1);
        stream.add(w, 2000, false, 0, bytes(10));
        assertThat(stream.playlist().discontinuitySequence()).isEqualTo(2);
        stream.release();
    }

    @Test
    void memoryIsBoundedPerStreamAndTheTargetDurationNeverShrinks() {
        HlsStream stream = new HlsStream(KEY, new HlsSettings(true, 2000, 6, 1000, 1 << 20, 500), metrics);
        HlsPackager w = writer(stream);
        stream.add(w, 5400, false, 0, bytes(400_000));
        assertThat(stream.playlist().targetDurationSeconds()).isEqualTo(5);
        for (int i = 0; i < 4; i++) {
            stream.add(w, 2000, false, 0, bytes(400_000));
        }
        assertThat(stream.bytes()).isLessThanOrEqualTo(1 << 20);
        assertThat(stream.playlist().segments()).hasSize(2);
        assertThat(stream.playlist().targetDurationSeconds()).isEqualTo(5);
        stream.release();
    }

    @Test
    void aWriterThatLostItsClaimWritesNothingAndCannotEndTheStream() {
        HlsStream stream = new HlsStream(KEY, HlsSettings.defaults(), metrics);
        HlsPackager old = writer(stream);
        stream.add(old, 2000, false, 0, bytes(10));
        HlsPackager next = writer(stream);
        ByteBuf late = bytes(10);
        stream.add(old, 2000, false, 0, late);
        assertThat(late.refCnt()).as("dropped and freed").isZero();
        stream.end(old, 0);
        assertThat(stream.isEnded()).isFalse();
        assertThat(stream.writer()).isSameAs(next);
        stream.end(next, 0);
        assertThat(stream.playlist().ended()).isTrue();
        assertThat(stream.expired(999, 1000)).isFalse();
        assertThat(stream.expired(1000, 1000)).isTrue();
        stream.release();
    }

    @Test
    void waitersAreWokenByTheFirstSegmentOnly() {
        HlsStream stream = new HlsStream(KEY, HlsSettings.defaults(), metrics);
        AtomicInteger woken = new AtomicInteger();
        assertThat(stream.whenReady(woken::incrementAndGet)).isTrue();
        stream.add(writer(stream), 2000, false, 0, bytes(10));
        assertThat(woken.get()).isEqualTo(1);
        assertThat(stream.whenReady(woken::incrementAndGet)).as("ready now: nothing to wait for").isFalse();
        stream.release();
    }

    @Test
    void thePlaylistSignsEachSegmentUriForItsOwnPath() {
        HlsPlaylist p = new HlsPlaylist(2, 41, 0, java.util.List.of(
                new HlsPlaylist.Entry(41, 2000, false, 0), new HlsPlaylist.Entry(42, 1960, true, 2000)), false);
        String text = p.render("live", "s", path -> "?sig=" + path);
        assertThat(text).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:41
                #EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:00.000Z
                #EXTINF:2.000,
                s/41.ts?sig=/live/s/41.ts
                #EXT-X-DISCONTINUITY
                #EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:02.000Z
                #EXTINF:1.960,
                s/42.ts?sig=/live/s/42.ts
                """);
        assertThat(new HlsPlaylist(2, 0, 0, java.util.List.of(), true).render("live", "s", path -> ""))
                .endsWith("#EXT-X-ENDLIST\n");
    }
}
