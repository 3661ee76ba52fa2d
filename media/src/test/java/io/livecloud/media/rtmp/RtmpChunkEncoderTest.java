package io.livecloud.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chunk serialisation: exact bytes, and round trips through {@link RtmpChunkDecoder}. */
class RtmpChunkEncoderTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedChannel encoder = channel(new RtmpChunkEncoder());
    private final EmbeddedChannel decoder = channel(new RtmpChunkDecoder(RtmpChunkDecoder.DEFAULT_MAX_MESSAGE_LENGTH, 64));
    private final Random random = new Random(3);

    private EmbeddedChannel channel(ChannelHandler handler) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(handler);
        return ch;
    }

    @AfterEach
    void releaseEverything() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
        alloc.assertAllReleased();
    }

    private ByteBuf body(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        ByteBuf buf = alloc.buffer(length);
        return buf.writeBytes(bytes);
    }

    /** What the encoder wrote for these messages, as one hex string. */
    private String encode(RtmpMessage... messages) {
        for (RtmpMessage m : messages) {
            encoder.writeOutbound(m);
        }
        StringBuilder hex = new StringBuilder();
        for (ByteBuf out; (out = encoder.readOutbound()) != null; ) {
            hex.append(ByteBufUtil.hexDump(out));
            out.release();
        }
        return hex.toString();
    }

    @Test
    void writesAOneChunkMessageExactly() {
        ByteBuf body = alloc.buffer().writeBytes(new byte[]{(byte) 0xaa, (byte) 0xbb});
        assertThat(encode(new RtmpMessage(3, RtmpMessage.COMMAND_AMF0, 100, 1, body)))
                .isEqualTo("03" + "000064" + "000002" + "14" + "01000000" + "aabb");
    }

    @Test
    void continuesInFmt3ChunksAndRepeatsTheExtendedTimestamp() {
        ByteBuf body = alloc.buffer().writeBytes(new byte[130]);
        String hex = encode(new RtmpMessage(70, RtmpMessage.VIDEO, 0x01000000L, 1, body));
        assertThat(hex).isEqualTo("0006" + "ffffff" + "000082" + "09" + "01000000" + "01000000"
                + "00".repeat(128) + "c006" + "01000000" + "0000");
    }

    @Test
    void usesTheThreeByteBasicHeaderFrom320() {
        assertThat(encode(new RtmpMessage(320, 8, 0, 0, alloc.buffer(0)))).startsWith("010001"); // 320 - 64 = 256, little-endian
        assertThat(encode(new RtmpMessage(65599, 8, 0, 0, alloc.buffer(0)))).startsWith("01ffff");
        assertThat(encode(new RtmpMessage(319, 8, 0, 0, alloc.buffer(0)))).startsWith("00ff");
        assertThat(encode(new RtmpMessage(63, 8, 0, 0, alloc.buffer(0)))).startsWith("3f");
    }

    @Test
    void aSetChunkSizeAppliesFromTheNextMessageOn() {
        RtmpChunkEncoder chunkEncoder = encoder.pipeline().get(RtmpChunkEncoder.class);
        encode(RtmpControl.setChunkSize(alloc, 200));
        assertThat(chunkEncoder.chunkSize()).isEqualTo(200);
        String hex = encode(new RtmpMessage(4, 8, 0, 1, alloc.buffer().writeBytes(new byte[201])));
        assertThat(hex).hasSize(2 * (12 + 201 + 1));
        assertThat(hex.substring(2 * (12 + 200), 2 * (12 + 201))).isEqualTo("c4");
    }

    @Test
    void plainBuffersPassThroughUntouched() {
        ByteBuf raw = alloc.buffer().writeBytes(new byte[]{1, 2, 3});
        encoder.writeOutbound(raw);
        ByteBuf out = encoder.readOutbound();
        assertThat(out).isSameAs(raw);
        out.release();
    }

    @Test
    void refusesChunkStreamIdsAndLengthsRtmpCannotCarry() {
        ByteBuf out = alloc.buffer();
        try {
            assertThatThrownBy(() -> RtmpChunkEncoder.writeMessageHeader(out, 1, 0, 0, 8, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RtmpChunkEncoder.writeMessageHeader(out, 65600, 0, 0, 8, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RtmpChunkEncoder.writeMessageHeader(out, 3, 0, 0x1000000, 8, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            out.release();
        }
    }

    @Test
    void roundTripsAcrossSizesChunkStreamIdsTimestampsAndChunkSizes() {
        int[] lengths = {0, 1, 127, 128, 129, 256, 1000, 4096, 4097, 70_000};
        int[] csids = {2, 3, 63, 64, 319, 320, 65599};
        long[] timestamps = {0, 1, 0xFFFFFE, 0xFFFFFF, 0x1000000, 0xFFFFFFFFL};
        int[] chunkSizes = {128, 1, 4096, 60_000, 128};
        List<String> sent = new ArrayList<>();
        List<String> received = new ArrayList<>();
        int n = 0;
        for (int chunkSize : chunkSizes) {
            transfer(RtmpControl.setChunkSize(alloc, chunkSize), received);
            for (int length : lengths) {
                if (chunkSize == 1 && length > 4097) {
                    continue; // 70 000 one-byte chunks prove nothing more
                }
                for (int csid : csids) {
                    long ts = timestamps[n++ % timestamps.length];
                    RtmpMessage m = new RtmpMessage(csid, RtmpMessage.VIDEO, ts, n, body(length));
                    sent.add(describe(m));
                    transfer(m, received);
                }
            }
        }
        assertThat(received).isEqualTo(sent);
    }

    /** Encodes, then decodes in random pieces; what comes out is described into {@code received}. */
    private void transfer(RtmpMessage message, List<String> received) {
        encoder.writeOutbound(message);
        for (ByteBuf out; (out = encoder.readOutbound()) != null; ) {
            while (out.isReadable()) {
                decoder.writeInbound(out.readRetainedSlice(Math.min(out.readableBytes(), 1 + random.nextInt(5000))));
            }
            out.release();
        }
        for (RtmpMessage in; (in = decoder.readInbound()) != null; ) {
            received.add(describe(in));
            in.release();
        }
    }

    private static String describe(RtmpMessage m) {
        return m + " crc=" + Arrays.hashCode(ByteBufUtil.getBytes(m.payload()));
    }

    @Test
    void sharedChunkedBodyAfterTheHeaderEqualsTheWholeEncoding() {
        for (int length : new int[]{0, 1, 4095, 4096, 4097, 12_288, 50_000}) {
            for (int csid : new int[]{6, 64, 400}) {
                ByteBuf body = body(length);
                int readerIndex = body.readerIndex();
                ByteBuf header = alloc.buffer();
                RtmpChunkEncoder.writeMessageHeader(header, csid, 0xFFFFFE, length, RtmpMessage.VIDEO, 1);
                ByteBuf chunked = RtmpChunkEncoder.chunkBody(alloc, body, 4096, csid);
                ByteBuf whole = RtmpChunkEncoder.encodeMessage(alloc, csid, 0xFFFFFE, RtmpMessage.VIDEO, 1, body, 4096);
                assertThat(body.readerIndex()).isEqualTo(readerIndex);
                assertThat(ByteBufUtil.hexDump(header) + ByteBufUtil.hexDump(chunked)).isEqualTo(ByteBufUtil.hexDump(whole));
                assertThat(whole.readableBytes()).isEqualTo(RtmpChunkEncoder.encodedSize(csid, 0xFFFFFE, length, 4096));

                encoder.writeOutbound(RtmpControl.setChunkSize(alloc, 4096));
                encoder.writeOutbound(new RtmpMessage(csid, RtmpMessage.VIDEO, 0xFFFFFE, 1, body));
                ByteBuf setChunkSize = encoder.readOutbound();
                ByteBuf fromEncoder = encoder.readOutbound();
                assertThat(fromEncoder).isEqualTo(whole);
                setChunkSize.release();
                fromEncoder.release();
                header.release();
                chunked.release();
                whole.release();
            }
        }
    }

    @Test
    void encodeMessageHandlesExtendedTimestampsTheSharedBodyCannot() {
        ByteBuf body = body(300);
        ByteBuf whole = RtmpChunkEncoder.encodeMessage(alloc, 6, 0x12345678L, RtmpMessage.AUDIO, 1, body, 128);
        decoder.writeInbound(whole);
        RtmpMessage decoded = decoder.readInbound();
        assertThat(decoded.timestamp()).isEqualTo(0x12345678L);
        assertThat(decoded.payload()).isEqualTo(body);
        decoded.release();
        body.release();
    }
}
