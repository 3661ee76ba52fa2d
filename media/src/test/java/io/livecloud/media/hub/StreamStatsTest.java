package io.livecloud.media.hub;

import io.livecloud.media.codec.AudioCodec;
import io.livecloud.media.codec.AudioTag;
import io.livecloud.media.codec.VideoCodec;
import io.livecloud.media.codec.VideoTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StreamStatsTest {
    /** The SPS libx264 (ffmpeg 8.1, main profile) wrote for the 640x360 test fixtures. */
    private static final byte[] X264_SPS = HexFormat.of().parseHex("674d401eeca05017fcb808800000030080000019078b16cb");
    private static final byte[] X264_PPS = HexFormat.of().parseHex("68ebe3cb22c0");
    /** An SPS libx265 wrote for 1920x1080 (conformance window from 1088). */
    private static final byte[] X265_SPS = HexFormat.of().parseHex(
            "420101016000000300900000030000030078a003c08010e596566924caf0168080000003008000000c84");

    private final StreamStats stats = new StreamStats();

    /** An FLV AVC sequence header: the tag header, then the AVCDecoderConfigurationRecord. */
    static ByteBuf avcSequenceHeader(byte[] sps, byte[] pps) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[]{0x17, 0, 0, 0, 0});
        b.writeBytes(new byte[]{1, sps[1], sps[2], sps[3], (byte) 0xff, (byte) 0xe1});
        b.writeShort(sps.length).writeBytes(sps);
        b.writeByte(1).writeShort(pps.length).writeBytes(pps);
        return untracked(b);
    }

    /** A legacy (codec id 12) HEVC sequence header with one SPS array. */
    static ByteBuf hevcSequenceHeader(byte[] sps) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[]{0x1c, 0, 0, 0, 0});
        b.writeByte(1);
        b.writeZero(20);
        b.writeByte(0x0f); // lengthSizeMinusOne = 3
        b.writeByte(1); // one array
        b.writeByte(0x80 | 33).writeShort(1).writeShort(sps.length).writeBytes(sps);
        return untracked(b);
    }

    static ByteBuf avcFrame(boolean key, int size) {
        ByteBuf b = Unpooled.buffer(size);
        b.writeBytes(new byte[]{(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0});
        b.writeZero(size - 5);
        return untracked(b);
    }

    static ByteBuf aacFrame(int size) {
        ByteBuf b = Unpooled.buffer(size);
        b.writeBytes(new byte[]{(byte) 0xaf, 1});
        b.writeZero(size - 2);
        return untracked(b);
    }

    /** The bytes in a plain heap buffer (no leak tracking: these never need releasing). */
    private static ByteBuf untracked(ByteBuf b) {
        byte[] bytes = ByteBufUtil.getBytes(b);
        b.release();
        return Unpooled.wrappedBuffer(bytes);
    }

    private void video(ByteBuf body, long ts) {
        stats.video(VideoTag.parse(body), body, ts);
    }

    private void audio(ByteBuf body, long ts) {
        stats.audio(AudioTag.parse(body), body, ts);
    }

    /** {@code seconds} of 25 fps video ({@code videoSize} bytes a frame) and 44.1 kHz AAC, from stream time {@code t0}. */
    private void feed(long t0, int seconds, int videoSize, int audioSize) {
        ByteBuf a = aacFrame(audioSize);
        for (int i = 0; i < seconds * 25; i++) {
            video(avcFrame(i % 25 == 0, videoSize), t0 + i * 40L);
        }
        for (int i = 0; i * 1024L * 1000 / 44100 < seconds * 1000L; i++) {
            audio(a, t0 + i * 1024L * 1000 / 44100);
        }
    }

    @Test
    void measuresSizeRateAndBitratesOfTheFrames() {
        assertThat(stats.snapshot()).isEqualTo(StreamStats.Snapshot.EMPTY);
        video(avcSequenceHeader(X264_SPS, X264_PPS), 0);
        audio(Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 0, 0x12, 0x10}), 0);
        feed(0, 8, 4000, 300);
        video(avcFrame(true, 4000), 8000); // enters second 8: seconds 3..7 are published

        StreamStats.Snapshot s = stats.snapshot();
        assertThat(s.width()).isEqualTo(640);
        assertThat(s.height()).isEqualTo(360);
        assertThat(s.videoCodec()).isEqualTo(VideoCodec.AVC);
        assertThat(s.videoCodecId()).isEqualTo(7);
        assertThat(s.audioCodec()).isEqualTo(AudioCodec.AAC);
        assertThat(s.audioCodecId()).isEqualTo(10);
        assertThat(s.frameRate()).isEqualTo(25.0);
        assertThat(s.videoBitsPerSecond()).isEqualTo(4000L * 25 * 8);
        assertThat((double) s.audioBitsPerSecond()).isCloseTo(300 * 8 * 44100 / 1024.0, within(300 * 8.0));
    }

    @Test
    void theFirstPartialSecondIsLeftOutAndFiguresFollowTheStream() {
        // a returning publisher starts mid-second: 3.5 s in, second 3 is partial; entering second 7 publishes 4..6
        feed(3500, 4, 2000, 200);
        assertThat(stats.snapshot().frameRate()).isEqualTo(25.0);
        assertThat(stats.snapshot().videoBitsPerSecond()).isEqualTo(2000L * 25 * 8);

        // the bitrate doubles: after a whole window only the new rate remains
        feed(7500, 6, 4000, 200); // up to 13.46 s: entering second 13 publishes 8..12
        assertThat(stats.snapshot().videoBitsPerSecond()).isEqualTo(4000L * 25 * 8);
        assertThat(stats.snapshot().width()).as("no sequence header seen").isZero();
    }

    @Test
    void aLateFrameCountsInItsSecondAndAJumpBackStartsAfresh() {
        feed(20_000, 3, 1000, 100); // up to 22.96 s
        video(avcFrame(false, 1000), 23_000);
        video(avcFrame(false, 1000), 22_990); // late: second 22 is still in the ring
        feed(23_040, 3, 1000, 100); // up to 26.0 s: entering second 26 publishes 21..25
        assertThat(stats.snapshot().frameRate()).isCloseTo(25.2, within(0.001)); // 126 frames in 5 s

        // the stream clock jumps far back (a publisher that reset its timestamps): measured afresh, not frozen
        feed(0, 3, 3000, 100);
        video(avcFrame(true, 3000), 3000);
        assertThat(stats.snapshot().videoBitsPerSecond()).isEqualTo(3000L * 25 * 8);
    }

    @Test
    void hevcSizeFromItsSps() {
        video(hevcSequenceHeader(X265_SPS), 0);
        for (int i = 0; i <= 75; i++) {
            byte[] f = new byte[1000];
            f[0] = (byte) (i % 25 == 0 ? 0x1c : 0x2c);
            f[1] = 1;
            video(Unpooled.wrappedBuffer(f), i * 40L);
        }
        StreamStats.Snapshot s = stats.snapshot();
        assertThat(s.videoCodec()).isEqualTo(VideoCodec.HEVC);
        assertThat(s.videoCodecId()).isEqualTo(12);
        assertThat(s.width()).isEqualTo(1920);
        assertThat(s.height()).isEqualTo(1080);
        assertThat(s.frameRate()).isEqualTo(25.0);
        assertThat(s.audioCodec()).isNull();
    }

    @Test
    void resetForgetsEverything() {
        video(avcSequenceHeader(X264_SPS, X264_PPS), 0);
        feed(0, 4, 1000, 100);
        video(avcFrame(true, 1000), 4000);
        assertThat(stats.snapshot().width()).isEqualTo(640);

        stats.reset();

        assertThat(stats.snapshot()).isEqualTo(StreamStats.Snapshot.EMPTY);
        feed(10_000, 3, 1000, 100);
        video(avcFrame(true, 1000), 13_000);
        assertThat(stats.snapshot().width()).isZero();
        assertThat(stats.snapshot().frameRate()).isEqualTo(25.0);
    }

    @Test
    void aBrokenSequenceHeaderLeavesTheSizeUnknown() {
        ByteBuf truncated = Unpooled.wrappedBuffer(new byte[]{0x17, 0, 0, 0, 0, 1, 0x4d});
        video(truncated, 0);
        feed(0, 3, 1000, 100);
        video(avcFrame(true, 1000), 3000);
        assertThat(stats.snapshot().width()).isZero();
        assertThat(stats.snapshot().frameRate()).isEqualTo(25.0);
    }

    @Test
    void countingAFrameAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        ByteBuf frame = avcFrame(false, 1000);
        VideoTag tag = VideoTag.parse(frame);
        for (int i = 0; i < 20_000; i++) { // warm up (JIT) across many seconds
            stats.video(tag, frame, i * 40L);
        }
        long t0 = 20_000 * 40L;
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 100_000; i++) {
            stats.video(tag, frame, t0 + i / 100); // 100 frames a millisecond: one second of stream time
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(allocated).as("bytes allocated for 100,000 frames (one snapshot a second is allowed)").isLessThan(4096);
    }
}
