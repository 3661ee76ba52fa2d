package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chunk parsing from hand-written bytes (RTMP spec §5.3). */
class RtmpChunkDecoderTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final List<RtmpMessage> received = new ArrayList<>();
    private EmbeddedChannel channel = channel(new RtmpChunkDecoder());

    private EmbeddedChannel channel(RtmpChunkDecoder decoder) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(decoder);
        return ch;
    }

    @AfterEach
    void releaseEverything() {
        received.forEach(RtmpMessage::release);
        channel.finishAndReleaseAll();
        alloc.assertAllReleased();
    }

    /** Feeds hex (spaces ignored) and returns the messages that came out of this feed. */
    private List<RtmpMessage> feed(String hex) {
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", ""))));
        List<RtmpMessage> out = new ArrayList<>();
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            out.add((RtmpMessage) msg);
            received.add((RtmpMessage) msg);
        }
        return out;
    }

    private static String body(RtmpMessage msg) {
        return ByteBufUtil.hexDump(msg.payload());
    }

    private static String repeat(String hexByte, int times) {
        return hexByte.repeat(times);
    }

    @Test
    void oneChunkMessageWithAFmt0Header() {
        List<RtmpMessage> out = feed("03 000064 000003 14 01000000 aabbcc");
        assertThat(out).hasSize(1);
        RtmpMessage msg = out.get(0);
        assertThat(msg.chunkStreamId()).isEqualTo(3);
        assertThat(msg.timestamp()).isEqualTo(100);
        assertThat(msg.typeId()).isEqualTo(RtmpMessage.COMMAND_AMF0);
        assertThat(msg.messageStreamId()).as("little-endian").isEqualTo(1);
        assertThat(body(msg)).isEqualTo("aabbcc");
    }

    @Test
    void aMessageSpreadOverFmt3ChunksOfTheDefaultSize() {
        String header = "06 000000 000131 09 01000000"; // 305 bytes: 128 + 128 + 49
        List<RtmpMessage> out = feed(header + repeat("11", 128) + "c6" + repeat("22", 128) + "c6" + repeat("33", 49));
        assertThat(out).hasSize(1);
        assertThat(body(out.get(0))).isEqualTo(repeat("11", 128) + repeat("22", 128) + repeat("33", 49));
    }

    @Test
    void twoAndThreeByteBasicHeaders() {
        assertThat(feed("00 00 000001 000001 08 00000000 aa").get(0).chunkStreamId()).isEqualTo(64);
        assertThat(feed("00 ff 000001 000001 08 00000000 aa").get(0).chunkStreamId()).isEqualTo(319);
        assertThat(feed("01 00 01 000001 000001 08 00000000 aa").get(0).chunkStreamId()).isEqualTo(320);
        assertThat(feed("01 ff ff 000001 000001 08 00000000 aa").get(0).chunkStreamId()).isEqualTo(65599);
        // the 3-byte form may also name small ids
        assertThat(feed("01 05 00 000001 000001 08 00000000 aa").get(0).chunkStreamId()).isEqualTo(69);
    }

    @Test
    void compressedHeadersAccumulateTimestampDeltas() {
        // the spec's example: fmt0 at 1000, fmt2 delta 20, then fmt3 messages reuse the delta
        assertThat(feed("04 0003e8 000002 08 01000000 aaaa").get(0).timestamp()).isEqualTo(1000);
        assertThat(feed("84 000014 bbbb").get(0).timestamp()).isEqualTo(1020);
        assertThat(feed("c4 cccc").get(0).timestamp()).isEqualTo(1040);
        RtmpMessage fmt1 = feed("44 00000a 000001 09 dd").get(0);
        assertThat(fmt1.timestamp()).isEqualTo(1050);
        assertThat(fmt1.typeId()).isEqualTo(RtmpMessage.VIDEO);
        assertThat(fmt1.messageStreamId()).isEqualTo(1);
        assertThat(feed("c4 ee").get(0).timestamp()).isEqualTo(1060);
    }

    @Test
    void aFmt3MessageRightAfterAFmt0OneTakesItsTimestampAsDelta() {
        feed("04 000028 000001 08 01000000 aa");
        assertThat(feed("c4 bb").get(0).timestamp()).isEqualTo(80);
    }

    @Test
    void timestampsWrapAt32Bits() {
        feed("04 ffffff 000001 08 01000000 fffffff0 aa");
        assertThat(feed("84 000020 bb").get(0).timestamp()).isEqualTo(0x10);
    }

    @Test
    void extendedTimestampIsRepeatedOnContinuationChunks() {
        String header = "05 ffffff 000082 09 01000000 01000000"; // 130 bytes at 0x01000000
        List<RtmpMessage> out = feed(header + repeat("11", 128) + "c5 01000000" + "2222");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).timestamp()).isEqualTo(0x01000000L);
        assertThat(body(out.get(0))).isEqualTo(repeat("11", 128) + "2222");
    }

    @Test
    void continuationChunksThatLeaveOutTheExtendedTimestampAreTolerated() {
        String header = "05 ffffff 000082 09 01000000 01000000";
        // deciding needs four bytes after the basic header: here the next message supplies them
        List<RtmpMessage> out = feed(header + repeat("11", 128) + "c5" + "2222" + "03 000000 000001 14 00000000 aa");
        assertThat(out).hasSize(2);
        assertThat(body(out.get(0))).isEqualTo(repeat("11", 128) + "2222");
    }

    @Test
    void aFmt3MessageAfterAnExtendedDeltaReadsItsOwnExtendedField() {
        feed("05 000000 000001 09 01000000 aa");
        assertThat(feed("85 ffffff 01000000 bb").get(0).timestamp()).isEqualTo(0x01000000L);
        assertThat(feed("c5 01000000 cc").get(0).timestamp()).isEqualTo(0x02000000L);
    }

    @Test
    void messagesInterleaveAcrossChunkStreams() {
        String audio = "04 000000 000082 08 01000000";
        String video = "06 000000 000081 09 01000000";
        List<RtmpMessage> out = feed(audio + repeat("aa", 128) + video + repeat("bb", 128) + "c4 aaaa" + "c6 bb");
        assertThat(out).extracting(RtmpMessage::typeId).containsExactly(RtmpMessage.AUDIO, RtmpMessage.VIDEO);
        assertThat(out.get(0).payload().readableBytes()).isEqualTo(130);
        assertThat(out.get(1).payload().readableBytes()).isEqualTo(129);
    }

    @Test
    void emptyMessages() {
        List<RtmpMessage> out = feed("03 000000 000000 12 01000000" + "c3" + "c3");
        assertThat(out).hasSize(3);
        assertThat(out).allSatisfy(m -> assertThat(m.payload().readableBytes()).isZero());
    }

    @Test
    void setChunkSizeIsAppliedAndNotPassedOn() {
        List<RtmpMessage> out = feed("02 000000 000004 01 00000000 00000100"
                + "04 000000 000100 08 01000000" + repeat("ab", 256));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).payload().readableBytes()).isEqualTo(256);
        assertThat(((RtmpChunkDecoder) channel.pipeline().first()).chunkSize()).isEqualTo(256);
    }

    @Test
    void refusesChunkSizesOutsideOneTo16MiB() {
        for (String size : List.of("00000000", "01000000", "80000000", "ffffffff")) {
            channel.finishAndReleaseAll();
            channel = channel(new RtmpChunkDecoder());
            assertThatThrownBy(() -> feed("02 000000 000004 01 00000000 " + size))
                    .as(size).hasRootCauseInstanceOf(MediaProtocolException.class);
        }
        channel.finishAndReleaseAll();
        channel = channel(new RtmpChunkDecoder());
        feed("02 000000 000004 01 00000000 00ffffff");
        assertThat(((RtmpChunkDecoder) channel.pipeline().first()).chunkSize()).isEqualTo(0xFFFFFF);
    }

    @Test
    void abortDiscardsThePartialMessage() {
        feed("04 000000 000100 08 01000000" + repeat("aa", 128));
        assertThat(feed("02 000000 000004 02 00000000 00000004")).isEmpty();
        List<RtmpMessage> out = feed("04 000005 000001 08 01000000 bb");
        assertThat(out).hasSize(1);
        assertThat(body(out.get(0))).isEqualTo("bb");
    }

    @Test
    void passesControlMessagesUpAndAcknowledgesOnceTheWindowIsReached() {
        List<RtmpMessage> out = feed("02 000000 000004 05 00000000 00000040"); // window: 64 bytes
        assertThat(out).extracting(RtmpMessage::typeId).containsExactly(RtmpMessage.WINDOW_ACK_SIZE);
        assertThat((Object) channel.readOutbound()).isNull(); // 16 bytes so far

        feed("04 000000 000020 08 01000000" + repeat("aa", 32)); // 60
        assertThat((Object) channel.readOutbound()).isNull();
        feed("02 000000 000006 04 00000000 000000000001"); // user control: 78 bytes in total
        RtmpMessage ack = channel.readOutbound();
        assertThat(ack.typeId()).isEqualTo(RtmpMessage.ACKNOWLEDGEMENT);
        assertThat(ack.chunkStreamId()).isEqualTo(2);
        assertThat(ack.messageStreamId()).isZero();
        assertThat(ack.payload().getUnsignedInt(0)).isEqualTo(78);
        ack.release();
        assertThat(received).extracting(RtmpMessage::typeId)
                .containsExactly(RtmpMessage.WINDOW_ACK_SIZE, RtmpMessage.AUDIO, RtmpMessage.USER_CONTROL);
    }

    @Test
    void refusesMessagesLongerThanTheLimit() {
        channel.finishAndReleaseAll();
        channel = channel(new RtmpChunkDecoder(1000, 4));
        List<RtmpMessage> atLimit = feed("02 000000 000004 01 00000000 00001000"
                + "04 000000 0003e8 08 01000000" + repeat("aa", 1000));
        assertThat(atLimit).hasSize(1);
        assertThatThrownBy(() -> feed("06 000000 0003e9 08 01000000"))
                .hasRootCauseInstanceOf(MediaProtocolException.class).hasStackTraceContaining("1001");
    }

    @Test
    void refusesTooManyPartialMessages() {
        channel.finishAndReleaseAll();
        channel = channel(new RtmpChunkDecoder(1000, 2));
        String firstChunk = repeat("aa", 128);
        feed("04 000000 000100 08 01000000" + firstChunk + "05 000000 000100 08 01000000" + firstChunk);
        feed("06 000000 000001 08 01000000 aa"); // completes at once: not partial
        assertThatThrownBy(() -> feed("07 000000 000100 08 01000000" + firstChunk))
                .hasRootCauseInstanceOf(MediaProtocolException.class);
    }

    @Test
    void refusesALengthChangeMidMessage() {
        feed("04 000000 000100 08 01000000" + repeat("aa", 128));
        assertThatThrownBy(() -> feed("44 000000 000101 08" + repeat("aa", 128)))
                .hasRootCauseInstanceOf(MediaProtocolException.class).hasStackTraceContaining("length");
    }

    @Test
    void toleratesAHeaderThatRepeatsTheLengthMidMessage() {
        feed("04 000000 000100 08 01000000" + repeat("aa", 128));
        List<RtmpMessage> out = feed("84 000000" + repeat("bb", 128));
        assertThat(body(out.get(0))).isEqualTo(repeat("aa", 128) + repeat("bb", 128));
    }

    @Test
    void aNewChunkStreamMayStartWithFmt1ButNotFmt2Or3() {
        RtmpMessage ping = feed("42 000000 000006 04 000600000001").get(0);
        assertThat(ping.messageStreamId()).isZero();
        assertThatThrownBy(() -> feed("87 000000 aa")).hasRootCauseInstanceOf(MediaProtocolException.class);
    }

    @Test
    void afterAnErrorTheRestOfTheInputIsDiscarded() {
        assertThatThrownBy(() -> feed("c9 00")).hasRootCauseInstanceOf(MediaProtocolException.class);
        assertThat(feed("03 000000 000001 14 00000000 aa")).isEmpty();
    }

    @Test
    void partialMessagesAreReleasedWhenTheChannelCloses() {
        feed("04 000000 010000 08 01000000" + repeat("aa", 128));
        assertThat(alloc.allocations()).isPositive();
        channel.close();
        alloc.assertAllReleased();
    }

    @Test
    void aBodyGrowsWithTheBytesThatArriveNotWithTheDeclaredLength() {
        channel.finishAndReleaseAll();
        channel = channel(new RtmpChunkDecoder());
        feed("02 000000 000004 01 00000000 00ffffff" + "04 000000 7fffff 08 01000000 aa");
        assertThat(alloc.capacityInUse()).isLessThan(1 << 20);
        channel.pipeline().remove(RtmpChunkDecoder.class);
        alloc.assertAllReleased();
    }

    @Test
    void anyFragmentationGivesTheSameMessages() {
        String stream = "02 000000 000004 01 00000000 00000050"
                + "04 000010 0000a0 08 01000000" + repeat("aa", 80) + "c4" + repeat("bb", 80)
                + "84 000005" + repeat("cc", 80) + "c4" + repeat("dd", 80)
                + "41 00 01 000001 000003 14 010203";
        byte[] bytes = ByteBufUtil.decodeHexDump(stream.replace(" ", ""));
        List<String> whole = describe(feed(stream));
        for (int step : new int[]{1, 2, 3, 7, 13}) {
            channel.finishAndReleaseAll();
            channel = channel(new RtmpChunkDecoder());
            List<RtmpMessage> pieces = new ArrayList<>();
            for (int i = 0; i < bytes.length; i += step) {
                int n = Math.min(step, bytes.length - i);
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
                for (Object msg; (msg = channel.readInbound()) != null; ) {
                    pieces.add((RtmpMessage) msg);
                    received.add((RtmpMessage) msg);
                }
            }
            assertThat(describe(pieces)).as("step " + step).isEqualTo(whole);
        }
        assertThat(whole).hasSize(3);
    }

    private static List<String> describe(List<RtmpMessage> messages) {
        List<String> out = new ArrayList<>();
        for (RtmpMessage m : messages) {
            out.add(m + " " + ByteBufUtil.hexDump(m.payload()));
        }
        return out;
    }

    @Test
    void bytesReceivedCountsEverythingRead() {
        feed("03 000000 000001 14 00000000 aa 03");
        ByteBuf more = Unpooled.wrappedBuffer(new byte[]{0, 0, 0});
        channel.writeInbound(more);
        assertThat(((RtmpChunkDecoder) channel.pipeline().first()).bytesReceived()).isEqualTo(17);
    }
}
