package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Whatever bytes arrive, the decoder either yields messages or raises a {@link MediaProtocolException}, never
 * anything else, never holds more memory than the bytes justify, and releases every buffer it allocated.
 */
class RtmpChunkDecoderFuzzTest {
    private final Random random = new Random(20261124);

    /** Feeds {@code bytes} in random pieces; returns the messages, or stops quietly at a protocol error. */
    private List<String> feed(byte[] bytes, TrackingAllocator alloc) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new RtmpChunkDecoder(1 << 20, 8));
        List<String> messages = new ArrayList<>();
        try {
            for (int at = 0; at < bytes.length; ) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(200));
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
                } catch (Throwable t) {
                    assertProtocolError(t, bytes);
                }
                at += n;
                for (Object msg; (msg = channel.readInbound()) != null; ) {
                    RtmpMessage m = (RtmpMessage) msg;
                    messages.add(m + " " + ByteBufUtil.hexDump(m.payload()));
                    m.release();
                }
                assertThat(alloc.capacityInUse()).as("memory held").isLessThan(8 * 65536 + 2L * bytes.length + 4096);
            }
        } finally {
            try {
                channel.finishAndReleaseAll();
            } catch (Throwable t) {
                assertProtocolError(t, bytes);
            }
        }
        alloc.assertAllReleased();
        return messages;
    }

    private static void assertProtocolError(Throwable t, byte[] input) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (!(root instanceof MediaProtocolException)) {
            fail("unexpected " + t + " for input " + ByteBufUtil.hexDump(input, 0, Math.min(input.length, 256)), t);
        }
    }

    @Test
    void randomBytes() {
        for (int i = 0; i < 3000; i++) {
            byte[] bytes = new byte[random.nextInt(2000)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] &= 0x3F; // start like a fmt 0 chunk, so headers get parsed further
            }
            if (bytes.length > 12 && random.nextBoolean()) {
                bytes[4] = 0; // plausible (short) message lengths
                bytes[5] = (byte) random.nextInt(4);
            }
            feed(bytes, new TrackingAllocator());
        }
    }

    @Test
    void truncatedValidStreamsYieldAPrefixOfTheMessages() {
        for (int i = 0; i < 300; i++) {
            byte[] stream = validStream();
            List<String> all = feed(stream, new TrackingAllocator());
            List<String> some = feed(Arrays.copyOf(stream, random.nextInt(stream.length + 1)), new TrackingAllocator());
            assertThat(some.size()).isLessThanOrEqualTo(all.size());
            assertThat(some).isEqualTo(all.subList(0, some.size()));
        }
    }

    @Test
    void validStreamsWithCorruptedBytes() {
        for (int i = 0; i < 1000; i++) {
            byte[] stream = validStream();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                stream[random.nextInt(stream.length)] = (byte) random.nextInt(256);
            }
            feed(stream, new TrackingAllocator());
        }
    }

    /** Messages on several chunk streams through the real encoder, with chunk size changes, acks and aborts. */
    private byte[] validStream() {
        EmbeddedChannel encoder = new EmbeddedChannel(new RtmpChunkEncoder());
        encoder.writeOutbound(RtmpControl.windowAckSize(encoder.alloc(), 1 + random.nextInt(5000)));
        for (int i = 0, n = 1 + random.nextInt(12); i < n; i++) {
            switch (random.nextInt(6)) {
                case 0 -> encoder.writeOutbound(RtmpControl.setChunkSize(encoder.alloc(), 1 + random.nextInt(3000)));
                case 1 -> encoder.writeOutbound(new RtmpMessage(2, RtmpMessage.ABORT, 0, 0,
                        Unpooled.buffer(4).writeInt(3 + random.nextInt(4))));
                default -> {
                    byte[] body = new byte[random.nextInt(1500)];
                    random.nextBytes(body);
                    long timestamp = random.nextBoolean() ? random.nextInt(100_000) : 0xFFFFFF00L + random.nextInt(512);
                    encoder.writeOutbound(new RtmpMessage(3 + random.nextInt(4), 8 + random.nextInt(2), timestamp,
                            1, Unpooled.wrappedBuffer(body)));
                }
            }
        }
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf out; (out = encoder.readOutbound()) != null; ) {
            all.writeBytes(out);
            out.release();
        }
        encoder.finishAndReleaseAll();
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }
}
