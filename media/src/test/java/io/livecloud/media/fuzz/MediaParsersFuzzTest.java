package io.livecloud.media.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.Role;
import io.livecloud.media.amf.Amf0;
import io.livecloud.media.codec.AudioTag;
import io.livecloud.media.codec.VideoTag;
import io.livecloud.media.rtmp.RtmpAddress;
import io.livecloud.media.rtmp.RtmpChunkDecoder;
import io.livecloud.media.rtmp.RtmpHandshakeHandler;
import io.livecloud.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/**
 * Fuzz harnesses for everything that parses bytes or strings a client sends. Under {@code mvn verify} they replay
 * their committed inputs (regression mode, src/test/resources/…/MediaParsersFuzzTestInputs); to fuzz for real:
 * {@code JAZZER_FUZZ=1 mvn -pl media test -Dtest=MediaParsersFuzzTest#chunkDecoder} (see docs/benchmarks.md).
 * The contract under test: malformed input ends in {@link MediaProtocolException} (or a refusal), never in another
 * exception, and every buffer is released (the leak guard fails the class otherwise).
 */
class MediaParsersFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void chunkDecoder(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(new RtmpChunkDecoder());
        try {
            // split in two reads so partial-chunk states are reached
            int cut = data.length / 2;
            ch.writeInbound(Unpooled.wrappedBuffer(data, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(data, cut, data.length - cut));
        } catch (DecoderException e) {
            requireProtocolError(e);
        } finally {
            Object m;
            while ((m = ch.readInbound()) != null) {
                ((RtmpMessage) m).release();
            }
            ch.finishAndReleaseAll();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void handshake(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(new RtmpHandshakeHandler());
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(data));
        } catch (DecoderException e) {
            requireProtocolError(e);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void amf0(byte[] data) {
        try {
            Amf0.decodeAll(Unpooled.wrappedBuffer(data));
        } catch (MediaProtocolException expected) {
            // refused
        }
    }

    @FuzzTest(maxDuration = "60s")
    void tagHeaders(byte[] data) {
        ByteBuf body = Unpooled.wrappedBuffer(data);
        try {
            VideoTag.parse(body);
        } catch (MediaProtocolException expected) {
            // refused
        }
        try {
            AudioTag.parse(body);
        } catch (MediaProtocolException expected) {
            // refused
        }
        if (body.readerIndex() != 0) {
            throw new AssertionError("a tag parser moved the caller's buffer");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void streamAddress(FuzzedDataProvider in) {
        try {
            RtmpAddress.parse(in.consumeBoolean() ? Role.PUBLISH : Role.PLAY, in.consumeString(200), in.consumeString(300),
                    in.consumeRemainingAsString(), "192.0.2.1");
        } catch (IllegalArgumentException refused) {
            // no app or stream in it: refused with a reason
        }
    }

    private static void requireProtocolError(DecoderException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof MediaProtocolException)) {
            throw e;
        }
    }
}
