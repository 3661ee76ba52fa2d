package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtmpChunkCodecTest {

    private static ByteBuf encodeAll(List<RtmpMessage> messages) {
        EmbeddedChannel enc = new EmbeddedChannel(new RtmpChunkEncoder());
        for (RtmpMessage m : messages) {
            enc.writeOutbound(m);
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        enc.finishAndReleaseAll();
        return all;
    }

    private static List<RtmpMessage> decodeInPieces(ByteBuf bytes, Random random) {
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        while (bytes.isReadable()) {
            int n = Math.min(bytes.readableBytes(), 1 + random.nextInt(300));
            dec.writeInbound(bytes.readRetainedSlice(n));
        }
        bytes.release();
        List<RtmpMessage> out = new ArrayList<>();
        Object m;
        while ((m = dec.readInbound()) != null) {
            out.add((RtmpMessage) m);
        }
        dec.finishAndReleaseAll();
        return out;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void roundTripsThroughAllHeaderFormsSizesAndChunkStreamIds() {
        Random random = new Random(11);
        int[] csids = {2, 3, 63, 64, 319, 320, 65599};
        int[] sizes = {0, 1, 127, 128, 129, 4096, 4097, 20_000};
        long[] timestamps = {0, 40, 0xFFFFFE, 0xFFFFFF, 0x1000000L, 0xFFFFFFFFL};
        List<RtmpMessage> sent = new ArrayList<>();
        int seed = 0;
        for (int csid : csids) {
            for (int size : sizes) {
                for (long ts : timestamps) {
                    sent.add(new RtmpMessage(csid, RtmpMessage.VIDEO, ts, 1, Unpooled.wrappedBuffer(bytes(size, seed++))));
                }
            }
        }
        // a chunk size change in the middle applies to what follows it, on both sides
        sent.add(sent.size() / 2, RtmpControl.setChunkSize(ByteBufAllocator.DEFAULT, 4096));
        List<byte[]> expectedBodies = new ArrayList<>();
        for (RtmpMessage m : sent) {
            if (m.typeId() != RtmpMessage.SET_CHUNK_SIZE) {
                byte[] b = new byte[m.payload().readableBytes()];
                m.payload().getBytes(m.payload().readerIndex(), b);
                expectedBodies.add(b);
            }
        }
        List<RtmpMessage> copy = new ArrayList<>(sent);
        List<RtmpMessage> received = decodeInPieces(encodeAll(sent), random);
        assertThat(received).hasSize(expectedBodies.size());
        int j = 0;
        for (RtmpMessage original : copy) {
            if (original.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
                continue;
            }
            RtmpMessage r = received.get(j);
            assertThat(r.chunkStreamId()).isEqualTo(original.chunkStreamId());
            assertThat(r.timestamp()).isEqualTo(original.timestamp());
            assertThat(r.messageStreamId()).isEqualTo(1);
            byte[] body = new byte[r.payload().readableBytes()];
            r.payload().readBytes(body);
            assertThat(body).isEqualTo(expectedBodies.get(j));
            r.release();
            j++;
        }
    }

    @Test
    void compressedHeadersAccumulateTimestampDeltas() {
        ByteBuf in = Unpooled.buffer();
        // fmt 0: ts 1000, len 2, type 8, msid 1
        in.writeByte(0x04).writeMedium(1000).writeMedium(2).writeByte(8).writeIntLE(1).writeBytes(new byte[]{1, 2});
        // fmt 1: delta 23, len 1, type 8
        in.writeByte(0x44).writeMedium(23).writeMedium(1).writeByte(8).writeByte(3);
        // fmt 2: delta 20
        in.writeByte(0x84).writeMedium(20).writeByte(4);
        // fmt 3: a new message with the same delta
        in.writeByte(0xC4).writeByte(5);
        List<RtmpMessage> out = decodeInPieces(in, new Random(1));
        assertThat(out).extracting(RtmpMessage::timestamp).containsExactly(1000L, 1023L, 1043L, 1063L);
        out.forEach(RtmpMessage::release);
    }

    @Test
    void sharedChunkedBodyMatchesTheEncoder() {
        byte[] body = bytes(10_000, 5);
        ByteBuf header = Unpooled.buffer();
        RtmpChunkEncoder.writeMessageHeader(header, 6, 12345, body.length, 9, 1);
        ByteBuf chunked = RtmpChunkEncoder.chunkBody(ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(body), 4096, 6);
        ByteBuf whole = RtmpChunkEncoder.encodeMessage(ByteBufAllocator.DEFAULT, 6, 12345, 9, 1, Unpooled.wrappedBuffer(body), 4096);
        ByteBuf joined = Unpooled.wrappedBuffer(header, chunked);
        assertThat(joined).isEqualTo(whole);
        whole.release();
        joined.release(); // releases header and chunked with it
    }

    @Test
    void refusesAbsurdChunkSizesAndHugeMessages() {
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        ByteBuf chunkSize = Unpooled.buffer().writeByte(0x02).writeMedium(0).writeMedium(4).writeByte(1).writeIntLE(0).writeInt(0x7fffffff);
        assertThatThrownBy(() -> dec.writeInbound(chunkSize)).isInstanceOf(DecoderException.class)
                .hasRootCauseInstanceOf(MediaProtocolException.class);
        dec.finishAndReleaseAll();

        EmbeddedChannel dec2 = new EmbeddedChannel(new RtmpChunkDecoder());
        ByteBuf huge = Unpooled.buffer().writeByte(0x03).writeMedium(0).writeMedium(0xFFFFFF).writeByte(20).writeIntLE(0);
        assertThatThrownBy(() -> dec2.writeInbound(huge)).hasRootCauseInstanceOf(MediaProtocolException.class);
        dec2.finishAndReleaseAll();
    }

    @Test
    void acknowledgesWhenThePeerAskedForIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtmpChunkEncoder(), new RtmpChunkDecoder());
        ByteBuf in = Unpooled.buffer();
        in.writeByte(0x02).writeMedium(0).writeMedium(4).writeByte(5).writeIntLE(0).writeInt(1000);
        byte[] body = new byte[100];
        for (int i = 0; i < 12; i++) {
            in.writeByte(0x04).writeMedium(0).writeMedium(body.length).writeByte(8).writeIntLE(1).writeBytes(body);
        }
        ch.writeInbound(in);
        ByteBuf ack = ch.readOutbound();
        assertThat(ack).isNotNull();
        assertThat(ack.getUnsignedByte(7)).isEqualTo((short) RtmpMessage.ACKNOWLEDGEMENT);
        ack.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void arbitraryBytesGiveMessagesOrProtocolErrorsNothingElse() {
        Random random = new Random(99);
        for (int i = 0; i < 3_000; i++) {
            byte[] garbage = new byte[random.nextInt(600)];
            random.nextBytes(garbage);
            if (garbage.length > 0 && random.nextBoolean()) {
                garbage[0] = (byte) (garbage[0] & 0x3f); // a plausible fmt 0 start
            }
            EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
            try {
                dec.writeInbound(Unpooled.wrappedBuffer(garbage));
            } catch (DecoderException e) {
                assertThat(e).hasRootCauseInstanceOf(MediaProtocolException.class);
            }
            dec.finishAndReleaseAll();
        }
    }
}
