package io.livecloud.media.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.livecloud.media.MediaProtocolException;
import io.livecloud.media.StreamKey;
import io.livecloud.media.codec.AacConfig;
import io.livecloud.media.codec.ParameterSets;
import io.livecloud.media.codec.VideoDimensions;
import io.livecloud.media.hls.HlsService;
import io.livecloud.media.hls.HlsSettings;
import io.livecloud.media.hub.HubSettings;
import io.livecloud.media.hub.LiveStream;
import io.livecloud.media.hub.MediaFrame;
import io.livecloud.media.hub.Publisher;
import io.livecloud.media.hub.StreamHub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.HexFormat;

/**
 * Fuzz harnesses for what HLS packaging parses from a publisher's frames: decoder configuration records, the
 * AudioSpecificConfig, SPS picture sizes, and whole streams of half-valid frames through a real hub and packager
 * (TS muxing, Annex B conversion, CMAF parts). The contract: parsers refuse with {@link MediaProtocolException}
 * only, the packager never lets anything escape to the publisher's session, and every buffer is released.
 * Regression mode in {@code mvn verify}; to fuzz: {@code JAZZER_FUZZ=1 mvn -pl media test -Dtest=HlsPackagingFuzzTest#packaging}.
 */
class HlsPackagingFuzzTest {
    private static final byte[] SPS = HexFormat.of().parseHex("674d401eeca05017fcb808800000030080000019078b16cb");
    private static final byte[] PPS = HexFormat.of().parseHex("68ebe3cb22c0");

    @FuzzTest(maxDuration = "60s")
    void codecConfigs(byte[] data) {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        for (int parser = 0; parser < 5; parser++) {
            try {
                switch (parser) {
                    case 0 -> ParameterSets.avc(b, 0);
                    case 1 -> ParameterSets.hevc(b, 0);
                    case 2 -> AacConfig.parse(b, 0);
                    case 3 -> VideoDimensions.ofH264Sps(data);
                    default -> VideoDimensions.ofHevcSps(data);
                }
            } catch (MediaProtocolException refused) {
                // refused with a reason
            }
        }
    }

    private record FuzzPublisher(EventLoop eventLoop) implements Publisher {
        @Override
        public String describe() {
            return "fuzz";
        }

        @Override
        public void kick(String reason) {
        }
    }

    @FuzzTest(maxDuration = "60s")
    void packaging(FuzzedDataProvider in) {
        EmbeddedChannel loop = new EmbeddedChannel();
        StreamHub hub = new StreamHub(HubSettings.defaults().withPublisherGraceMillis(0));
        HlsService hls = new HlsService(hub, HlsSettings.defaults().withTargetSegmentMillis(1000));
        Publisher p = new FuzzPublisher(loop.eventLoop());
        LiveStream s = hub.startPublishing(new StreamKey("push", "live", "fuzz"), p);
        try {
            s.publish(p, MediaFrame.VIDEO, 0, avcConfig());
            s.publish(p, MediaFrame.AUDIO, 0, Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 0, 0x12, 0x10}));
            long ts = 0;
            while (in.remainingBytes() > 0) {
                ts += in.consumeInt(-5, 300);
                int kind = in.consumeInt(0, 5);
                byte[] payload = in.consumeBytes(in.consumeInt(0, 600));
                ByteBuf body = Unpooled.buffer();
                int type = MediaFrame.VIDEO;
                switch (kind) {
                    case 0, 1 -> body.writeByte(kind == 0 ? 0x17 : 0x27).writeByte(1).writeMedium(in.consumeInt(-100, 100))
                            .writeBytes(payload); // AVCC NAL units, maybe broken
                    case 2 -> body.writeByte(0x17).writeByte(0).writeMedium(0).writeBytes(payload); // a new sequence header
                    case 3 -> {
                        type = MediaFrame.AUDIO;
                        body.writeByte(0xaf).writeByte(in.consumeBoolean() ? 1 : 0).writeBytes(payload);
                    }
                    case 4 -> {
                        type = MediaFrame.AUDIO;
                        body.writeByte(0x2f).writeBytes(payload); // MP3
                    }
                    default -> {
                        type = in.consumeBoolean() ? MediaFrame.VIDEO : MediaFrame.AUDIO;
                        body.writeBytes(payload); // anything at all
                    }
                }
                s.publish(p, type, Math.max(0, ts), body);
            }
        } finally {
            hub.stopPublishing(s, p, loop.eventLoop());
            loop.runPendingTasks();
            hls.close();
            loop.finishAndReleaseAll();
        }
        if (hub.metrics().internalErrors.sum() > 0) {
            throw new AssertionError("the packager failed on an input (not a protocol error): see the log");
        }
    }

    private static ByteBuf avcConfig() {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(new byte[]{0x17, 0, 0, 0, 0, 1, 0x4d, 0x40, 0x1e, (byte) 0xff, (byte) 0xe1});
        return b.writeShort(SPS.length).writeBytes(SPS).writeByte(1).writeShort(PPS.length).writeBytes(PPS);
    }
}
