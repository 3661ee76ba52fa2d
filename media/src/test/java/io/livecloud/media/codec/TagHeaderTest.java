package io.livecloud.media.codec;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Video and audio tag headers in every form publishers send: legacy, codec id 12 HEVC, enhanced RTMP. */
class TagHeaderTest {
    private static ByteBuf bytes(int... b) {
        ByteBuf buf = Unpooled.buffer(b.length);
        for (int x : b) {
            buf.writeByte(x);
        }
        return buf;
    }

    @Test
    void legacyAvc() {
        VideoTag seq = VideoTag.parse(bytes(0x17, 0, 0, 0, 0, 1, 0x64));
        assertThat(seq.codec()).isEqualTo(VideoCodec.AVC);
        assertThat(seq.sequenceHeader()).isTrue();
        assertThat(seq.isKeyframe()).isFalse();
        VideoTag key = VideoTag.parse(bytes(0x17, 1, 0, 0, 0x28, 0, 0, 0, 1, 0x65));
        assertThat(key.isKeyframe()).isTrue();
        assertThat(key.dataOffset()).isEqualTo(5);
        VideoTag inter = VideoTag.parse(bytes(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41));
        assertThat(inter.isKeyframe()).isFalse();
        assertThat(VideoTag.parse(bytes(0x17, 2, 0, 0, 0)).isKeyframe()).as("end of sequence").isFalse();
    }

    @Test
    void legacyCodecId12Hevc() {
        VideoTag seq = VideoTag.parse(bytes(0x1c, 0, 0, 0, 0, 1, 1, 0x60));
        assertThat(seq.codec()).isEqualTo(VideoCodec.HEVC);
        assertThat(seq.sequenceHeader()).isTrue();
        VideoTag key = VideoTag.parse(bytes(0x1c, 1, 0, 0, 0, 0, 0, 0, 1, 0x26));
        assertThat(key.codec()).isEqualTo(VideoCodec.HEVC);
        assertThat(key.isKeyframe()).isTrue();
        assertThat(key.enhanced()).isFalse();
    }

    @Test
    void enhancedRtmpVideo() {
        // IsExHeader | key frame | SequenceStart, 'hvc1'
        VideoTag seq = VideoTag.parse(bytes(0x90, 'h', 'v', 'c', '1', 1, 2, 3));
        assertThat(seq.codec()).isEqualTo(VideoCodec.HEVC);
        assertThat(seq.sequenceHeader()).isTrue();
        assertThat(seq.enhanced()).isTrue();
        // CodedFrames carries a composition time for hvc1
        VideoTag key = VideoTag.parse(bytes(0x91, 'h', 'v', 'c', '1', 0, 0, 0, 0, 0, 0, 9));
        assertThat(key.isKeyframe()).isTrue();
        assertThat(key.dataOffset()).isEqualTo(8);
        // CodedFramesX: no composition time; AV1 inter frame
        VideoTag x = VideoTag.parse(bytes(0xa3, 'a', 'v', '0', '1', 7));
        assertThat(x.codec()).isEqualTo(VideoCodec.AV1);
        assertThat(x.isKeyframe()).isFalse();
        assertThat(x.dataOffset()).isEqualTo(5);
        // ModEx (one byte of data, then the real packet type CodedFrames) before the FourCC
        VideoTag modEx = VideoTag.parse(bytes(0x97, 0, 0x42, 0x01, 'a', 'v', '0', '1', 5));
        assertThat(modEx.isKeyframe()).isTrue();
        assertThat(modEx.codec()).isEqualTo(VideoCodec.AV1);
        // Multitrack, one track: the first track's FourCC counts
        VideoTag multi = VideoTag.parse(bytes(0x96, 0x00, 'v', 'p', '0', '9', 0, 0, 0));
        assertThat(multi.codec()).isEqualTo(VideoCodec.VP9);
        assertThat(multi.sequenceHeader()).isTrue();
    }

    @Test
    void audio() {
        AudioTag aacSeq = AudioTag.parse(bytes(0xaf, 0, 0x12, 0x10));
        assertThat(aacSeq.codec()).isEqualTo(AudioCodec.AAC);
        assertThat(aacSeq.sequenceHeader()).isTrue();
        assertThat(AudioTag.parse(bytes(0xaf, 1, 0x21)).sequenceHeader()).isFalse();
        assertThat(AudioTag.parse(bytes(0x2f, 0xff)).codec()).isEqualTo(AudioCodec.MP3);
        AudioTag opus = AudioTag.parse(bytes(0x90, 'O', 'p', 'u', 's', 1, 2));
        assertThat(opus.codec()).isEqualTo(AudioCodec.OPUS);
        assertThat(opus.sequenceHeader()).isTrue();
        assertThat(AudioTag.parse(bytes(0x91, 'O', 'p', 'u', 's', 1)).sequenceHeader()).isFalse();
    }

    @Test
    void truncatedHeadersAreProtocolErrorsAndParsingNeverMovesTheBuffer() {
        assertThatThrownBy(() -> VideoTag.parse(bytes())).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> VideoTag.parse(bytes(0x17))).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> VideoTag.parse(bytes(0x90, 'h', 'v'))).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> AudioTag.parse(bytes(0xaf))).isInstanceOf(MediaProtocolException.class);
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(12)];
            random.nextBytes(b);
            ByteBuf buf = Unpooled.wrappedBuffer(b);
            try {
                VideoTag.parse(buf);
            } catch (MediaProtocolException expected) {
                // refused
            }
            try {
                AudioTag.parse(buf);
            } catch (MediaProtocolException expected) {
                // refused
            }
            assertThat(buf.readerIndex()).isZero();
        }
    }
}
