package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server handshake against a plain client and against digest clients built here from the published keys
 * (independently of {@link HandshakeDigest}).
 */
class RtmpHandshakeHandlerTest {
    private static final int SIZE = 1536;
    private static final byte[] CONSTANT = ByteBufUtil.decodeHexDump(
            "F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");
    private static final byte[] PLAYER_PARTIAL = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_PARTIAL = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_FULL = concat(SERVER_PARTIAL, CONSTANT);

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final Recorder next = new Recorder();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Random random = new Random(7);

    {
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new RtmpHandshakeHandler(), next);
    }

    /** Stands for the chunk decoder: records what the handshake lets through. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final ByteBuf received = Unpooled.buffer();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            received.writeBytes(bytes);
            bytes.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
            if (evt == RtmpHandshakeHandler.COMPLETED) {
                assertThat(received.isReadable()).as("nothing after C2 arrives before the event").isFalse();
            }
        }
    }

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
        next.received.release();
        alloc.assertAllReleased();
    }

    private byte[] randomBlock() {
        byte[] block = new byte[SIZE];
        random.nextBytes(block);
        return block;
    }

    private byte[] plainC1() {
        byte[] c1 = randomBlock();
        Arrays.fill(c1, 0, 8, (byte) 0);
        return c1;
    }

    /** A C1 as Flash Player / librtmp FP9 builds it: a non-zero version and a digest at the schema's offset. */
    private byte[] digestC1(int schema) throws Exception {
        byte[] c1 = randomBlock();
        c1[4] = (byte) 0x80;
        c1[5] = 0x00;
        c1[6] = 0x07;
        c1[7] = 0x02;
        int offset = offset(c1, schema);
        System.arraycopy(digestWithout(c1, offset, PLAYER_PARTIAL), 0, c1, offset, 32);
        return c1;
    }

    private static int offset(byte[] block, int schema) {
        int base = schema == 1 ? 8 : 772;
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += block[base + i] & 0xFF;
        }
        return sum % 728 + base + 4;
    }

    private static byte[] digestWithout(byte[] block, int offset, byte[] key) throws Exception {
        byte[] rest = concat(Arrays.copyOfRange(block, 0, offset), Arrays.copyOfRange(block, offset + 32, SIZE));
        return hmac(key, rest);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private void send(byte[]... parts) {
        byte[] all = new byte[0];
        for (byte[] part : parts) {
            all = concat(all, part);
        }
        channel.writeInbound(Unpooled.wrappedBuffer(all));
    }

    /** S0 S1 S2 as the server wrote them. */
    private byte[] reply() {
        ByteBuf out = channel.readOutbound();
        assertThat(out).isNotNull();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(bytes).hasSize(1 + 2 * SIZE);
        assertThat(bytes[0]).isEqualTo((byte) 3);
        return bytes;
    }

    @Test
    void plainClientGetsItsC1EchoedAsS2() {
        byte[] c1 = plainC1();
        send(new byte[]{3}, c1);

        byte[] reply = reply();
        byte[] s1 = Arrays.copyOfRange(reply, 1, 1 + SIZE);
        assertThat(Arrays.copyOfRange(s1, 4, 8)).containsOnly(0);
        assertThat(Arrays.copyOfRange(reply, 1 + SIZE, reply.length)).isEqualTo(c1);
        assertThat(next.events).isEmpty();

        send(s1); // C2 echoes S1
        assertThat(next.events).containsExactly(RtmpHandshakeHandler.COMPLETED);
        assertThat(channel.pipeline().get(RtmpHandshakeHandler.class)).isNull();
        assertThat(next.received.isReadable()).isFalse();
    }

    @Test
    void bytesAfterC2InTheSameReadReachTheNextHandler() {
        send(new byte[]{3}, plainC1());
        reply();
        byte[] chunk = "first chunk bytes".getBytes(StandardCharsets.US_ASCII);
        send(randomBlock(), chunk);

        assertThat(next.events).containsExactly(RtmpHandshakeHandler.COMPLETED);
        assertThat(ByteBufUtil.getBytes(next.received)).isEqualTo(chunk);

        send(new byte[]{9, 9});
        assertThat(next.received.readableBytes()).isEqualTo(chunk.length + 2);
    }

    @Test
    void wholeHandshakeAndDataInOneReadOrOneByteAtATime() {
        byte[] c1 = plainC1();
        send(new byte[]{3}, c1, randomBlock(), new byte[]{1, 2, 3});
        reply();
        assertThat(ByteBufUtil.getBytes(next.received)).containsExactly(1, 2, 3);

        EmbeddedChannel slow = new EmbeddedChannel(new RtmpHandshakeHandler());
        byte[] all = concat(concat(new byte[]{3}, c1), randomBlock());
        for (byte b : all) {
            slow.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
        }
        ByteBuf out = slow.readOutbound();
        assertThat(out.readableBytes()).isEqualTo(1 + 2 * SIZE);
        out.release();
        assertThat(slow.pipeline().get(RtmpHandshakeHandler.class)).isNull();
        slow.finishAndReleaseAll();
    }

    @Test
    void digestClientSchema1GetsASignedS1AndS2() throws Exception {
        assertDigestHandshake(1);
    }

    @Test
    void digestClientSchema0GetsASignedS1AndS2() throws Exception {
        assertDigestHandshake(0);
    }

    private void assertDigestHandshake(int schema) throws Exception {
        byte[] c1 = digestC1(schema);
        // make sure the other schema does not happen to validate too
        int otherOffset = offset(c1, 1 - schema);
        assertThat(Arrays.copyOfRange(c1, otherOffset, otherOffset + 32))
                .isNotEqualTo(digestWithout(c1, otherOffset, PLAYER_PARTIAL));
        send(new byte[]{3}, c1);

        byte[] reply = reply();
        byte[] s1 = Arrays.copyOfRange(reply, 1, 1 + SIZE);
        byte[] s2 = Arrays.copyOfRange(reply, 1 + SIZE, reply.length);
        assertThat(Arrays.copyOfRange(s1, 4, 8)).as("server version").isNotEqualTo(new byte[4]);

        int s1Offset = offset(s1, schema);
        assertThat(Arrays.copyOfRange(s1, s1Offset, s1Offset + 32))
                .as("S1 digest with the server key").isEqualTo(digestWithout(s1, s1Offset, SERVER_PARTIAL));

        int c1Offset = offset(c1, schema);
        byte[] s2Key = hmac(SERVER_FULL, Arrays.copyOfRange(c1, c1Offset, c1Offset + 32));
        assertThat(Arrays.copyOfRange(s2, SIZE - 32, SIZE))
                .as("S2 signature keyed by the C1 digest").isEqualTo(hmac(s2Key, Arrays.copyOf(s2, SIZE - 32)));
        assertThat(s2).isNotEqualTo(c1);

        send(randomBlock());
        assertThat(next.events).containsExactly(RtmpHandshakeHandler.COMPLETED);
    }

    @Test
    void aC1WithAVersionButNoValidDigestGetsThePlainAnswer() throws Exception {
        byte[] c1 = digestC1(1);
        c1[offset(c1, 1)] ^= 1;
        send(new byte[]{3}, c1);
        byte[] reply = reply();
        assertThat(Arrays.copyOfRange(reply, 1 + SIZE, reply.length)).isEqualTo(c1);
    }

    @Test
    void anyVersionButThreeClosesTheConnection() {
        assertThatThrownBy(() -> send(new byte[]{6}, plainC1()))
                .hasRootCauseInstanceOf(MediaProtocolException.class)
                .hasStackTraceContaining("version 6");
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(next.events).isEmpty();
    }

    @Test
    void aBadVersionIsRefusedBeforeC1IsComplete() {
        assertThatThrownBy(() -> send(new byte[]{(byte) 0xF3})).hasRootCauseInstanceOf(MediaProtocolException.class);
        assertThat(channel.isOpen()).isFalse();
    }
}
