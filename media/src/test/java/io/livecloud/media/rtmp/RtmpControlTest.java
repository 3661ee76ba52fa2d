package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtmpControlTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void everythingReleased() {
        alloc.assertAllReleased();
    }

    /** The whole chunk the encoder makes of the message, as hex. */
    private static String wire(RtmpMessage message) {
        EmbeddedChannel encoder = new EmbeddedChannel(new RtmpChunkEncoder());
        encoder.writeOutbound(message);
        ByteBuf out = encoder.readOutbound();
        String hex = ByteBufUtil.hexDump(out);
        out.release();
        encoder.finishAndReleaseAll();
        return hex;
    }

    private static final String CONTROL_HEADER = "02" + "000000"; // csid 2, timestamp 0

    @Test
    void protocolControlMessages() {
        assertThat(wire(RtmpControl.setChunkSize(alloc, 4096)))
                .isEqualTo(CONTROL_HEADER + "000004" + "01" + "00000000" + "00001000");
        assertThat(wire(RtmpControl.acknowledgement(alloc, 0x1_0000_0005L)))
                .isEqualTo(CONTROL_HEADER + "000004" + "03" + "00000000" + "00000005");
        assertThat(wire(RtmpControl.windowAckSize(alloc, 2_500_000)))
                .isEqualTo(CONTROL_HEADER + "000004" + "05" + "00000000" + "002625a0");
        assertThat(wire(RtmpControl.setPeerBandwidth(alloc, 2_500_000, RtmpControl.LIMIT_DYNAMIC)))
                .isEqualTo(CONTROL_HEADER + "000005" + "06" + "00000000" + "002625a0" + "02");
    }

    @Test
    void userControlEvents() {
        String header = CONTROL_HEADER + "000006" + "04" + "00000000";
        assertThat(wire(RtmpControl.streamBegin(alloc, 1))).isEqualTo(header + "0000" + "00000001");
        assertThat(wire(RtmpControl.streamEof(alloc, 1))).isEqualTo(header + "0001" + "00000001");
        assertThat(wire(RtmpControl.streamDry(alloc, 1))).isEqualTo(header + "0002" + "00000001");
        assertThat(wire(RtmpControl.streamIsRecorded(alloc, 1))).isEqualTo(header + "0004" + "00000001");
        assertThat(wire(RtmpControl.pingRequest(alloc, 77))).isEqualTo(header + "0006" + "0000004d");
        assertThat(wire(RtmpControl.pingResponse(alloc, 77))).isEqualTo(header + "0007" + "0000004d");
    }

    @Test
    void refusesValuesTheFieldsCannotHold() {
        assertThatThrownBy(() -> RtmpControl.setChunkSize(alloc, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtmpControl.setChunkSize(alloc, 0x1000000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtmpControl.windowAckSize(alloc, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtmpControl.setPeerBandwidth(alloc, 1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RtmpControl.UserControlEvent parse(String hex) {
        ByteBuf body = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
        try {
            RtmpControl.UserControlEvent event = RtmpControl.parseUserControl(body);
            assertThat(body.readerIndex()).as("not consumed").isZero();
            return event;
        } finally {
            body.release();
        }
    }

    @Test
    void parsesTheEventsClientsSend() {
        assertThat(parse("0006 0000abcd")).isEqualTo(new RtmpControl.UserControlEvent(RtmpControl.PING_REQUEST, 0xabcd, 0));
        assertThat(parse("0003 00000001 00000bb8"))
                .isEqualTo(new RtmpControl.UserControlEvent(RtmpControl.SET_BUFFER_LENGTH, 1, 3000));
        assertThat(parse("0007 ffffffff")).isEqualTo(new RtmpControl.UserControlEvent(RtmpControl.PING_RESPONSE, -1, 0));
        assertThat(parse("001f")).isEqualTo(new RtmpControl.UserControlEvent(31, 0, 0));
        assertThat(parse("0020 00000002 ff")).isEqualTo(new RtmpControl.UserControlEvent(32, 2, 0));
    }

    @Test
    void refusesEventsShorterThanTheirType() {
        assertThatThrownBy(() -> parse("00")).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> parse("0006 0000")).isInstanceOf(MediaProtocolException.class);
        assertThatThrownBy(() -> parse("0003 00000001")).isInstanceOf(MediaProtocolException.class);
    }

    @Test
    void answeringAPingThroughTheFactories() {
        RtmpControl.UserControlEvent ping = parse("0006 00001234");
        RtmpMessage answer = RtmpControl.pingResponse(alloc, ping.value());
        assertThat(answer.chunkStreamId()).isEqualTo(RtmpControl.CHUNK_STREAM_ID);
        assertThat(answer.messageStreamId()).isZero();
        assertThat(RtmpControl.parseUserControl(answer.payload()))
                .isEqualTo(new RtmpControl.UserControlEvent(RtmpControl.PING_RESPONSE, 0x1234, 0));
        answer.release();
    }
}
