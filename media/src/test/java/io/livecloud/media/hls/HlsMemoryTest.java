package io.livecloud.media.hls;

import io.livecloud.media.StreamKey;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.MediaFrame;
import io.livecloud.media.hub.Publisher;
import io.livecloud.media.hub.StreamHub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 20 live streams, each fed 30 s of stream time (25 fps H.264 with a 1 s GOP, AAC) as fast as the packagers
 * take it: the segment memory of TS and LL-HLS together stays under the configured bound the whole time, stops
 * growing once the windows are full, and is all freed after the streams end and their playlists expire.
 */
class HlsMemoryTest {
    private static final int STREAMS = 20;
    private static final int SECONDS = 30;
    private static final int KEY_BYTES = 12_000;
    private static final int DELTA_BYTES = 1_500;
    /** A real libx264 640x360 SPS and PPS, so the packager sees a decoder configuration like any encoder's. */
    private static final byte[] SPS = HexFormat.of().parseHex("674d401eeca05017fcb808800000030080000019078b16cb");
    private static final byte[] PPS = HexFormat.of().parseHex("68ebe3cb22c0");

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private record TestPublisher(EventLoop eventLoop) implements Publisher {
        @Override
        public String describe() {
            return "memory test";
        }

        @Override
        public void kick(String reason) {
        }
    }

    private static ByteBuf avcConfig() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[]{0x17, 0, 0, 0, 0, 1, 0x4d, 0x40, 0x1e, (byte) 0xff, (byte) 0xe1});
        b.writeShort(SPS.length).writeBytes(SPS).writeByte(1).writeShort(PPS.length).writeBytes(PPS);
        return b;
    }

    private static ByteBuf avcFrame(boolean key) {
        int size = key ? KEY_BYTES : DELTA_BYTES;
        ByteBuf b = Unpooled.buffer(size + 9);
        b.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(0).writeInt(size);
        b.writeByte(key ? 0x65 : 0x41).writeZero(size - 1);
        return b;
    }

    private static ByteBuf aac(boolean config) {
        return config ? Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 0, 0x12, 0x10})
                : Unpooled.buffer(202).writeByte(0xaf).writeByte(1).writeZero(200);
    }

    @Test
    void twentyStreamsStayWithinTheBoundOnceTheirWindowsAreFullAndFreeEverything() throws Exception {
        HlsSettings settings = HlsSettings.defaults().withEndedRetentionMillis(200);
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(0));
        HlsService hls = new HlsService(hub, settings);
        List<LiveStream> streams = new ArrayList<>();
        List<Publisher> publishers = new ArrayList<>();
        loop.submit(() -> {
            for (int i = 0; i < STREAMS; i++) {
                Publisher p = new TestPublisher(loop);
                LiveStream s = hub.startPublishing(new StreamKey("push", "live", "s" + i), p);
                s.publish(p, MediaFrame.VIDEO, 0, avcConfig());
                s.publish(p, MediaFrame.AUDIO, 0, aac(true));
                streams.add(s);
                publishers.add(p);
            }
        }).get(5, TimeUnit.SECONDS);

        // per stream: the window (6) + 2 kept, TS and CMAF, plus the segments being written; a 2 s segment here is
        // 2 keyframes + 48 deltas + 86 AAC frames ≈ 114 KB of media (TS adds ~4 %, CMAF ~1 %)
        long segmentBytes = 2L * KEY_BYTES + 48L * DELTA_BYTES + 86L * 202;
        long bound = STREAMS * 2L * (settings.windowSegments() + 3) * segmentBytes * 11 / 10;
        List<Long> samples = new ArrayList<>();
        long audioTs = 0;
        for (int frame = 0; frame < SECONDS * 25; frame++) {
            long ts = frame * 40L;
            int f = frame;
            long audioUpTo = ts;
            long audioFrom = audioTs;
            loop.submit(() -> {
                for (int i = 0; i < STREAMS; i++) {
                    streams.get(i).publish(publishers.get(i), MediaFrame.VIDEO, ts, avcFrame(f % 25 == 0));
                    for (long a = audioFrom; a < audioUpTo + 40; a += 23) {
                        streams.get(i).publish(publishers.get(i), MediaFrame.AUDIO, a, aac(false));
                    }
                }
            }).get(5, TimeUnit.SECONDS);
            while (audioTs < ts + 40) {
                audioTs += 23;
            }
            if (frame % 50 == 0) { // every 2 s of stream time
                long bytes = hub.metrics().hlsSegmentBytes.sum();
                samples.add(bytes);
                assertThat(bytes).as("segment memory at %d s", frame / 25).isLessThanOrEqualTo(bound);
            }
        }
        // full windows after 16 s: from then on the memory only moves within a segment's size per stream
        List<Long> plateau = samples.subList(9, samples.size());
        long spread = plateau.stream().mapToLong(Long::longValue).max().orElseThrow()
                - plateau.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(spread).as("no growth once the windows are full: %s", samples).isLessThanOrEqualTo(STREAMS * 2 * segmentBytes);
        assertThat(hls.find(new StreamKey("push", "live", "s0")).playlist().mediaSequence())
                .as("the window slid all along").isGreaterThan(SECONDS / 2 - 10);

        loop.submit(() -> {
            for (int i = 0; i < STREAMS; i++) {
                hub.stopPublishing(streams.get(i), publishers.get(i), loop);
            }
        }).get(5, TimeUnit.SECONDS);
        await().atMost(5, TimeUnit.SECONDS).until(() -> hls.streamCount() == 0);
        assertThat(hub.metrics().hlsSegmentBytes.sum()).as("every segment freed").isZero();
    }
}
