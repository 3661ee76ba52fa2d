package io.livecloud.server;

import io.livecloud.media.amf.Amf0;
import io.livecloud.media.rtmp.RtmpChunkEncoder;
import io.livecloud.media.rtmp.RtmpControl;
import io.livecloud.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes an FLV file whose HEVC is rewritten from enhanced RTMP (FourCC {@code hvc1}) to the legacy codec-id-12
 * form many encoders in China send — no common tool sends that form, so this test client does, in real time.
 */
final class LegacyHevcPublisher {
    private static final int CHUNK_SIZE = 4096;
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private LegacyHevcPublisher() {
    }

    static void publish(int port, String app, String stream, Path enhancedHevcFlv) throws Exception {
        byte[] file = Files.readAllBytes(enhancedHevcFlv);
        try (RawRtmpClient client = new RawRtmpClient(port).handshake().drainInBackground()) {
            send(client, RtmpControl.setChunkSize(ALLOC, CHUNK_SIZE));
            Map<String, Object> connect = new LinkedHashMap<>();
            connect.put("app", app);
            connect.put("tcUrl", "rtmp://127.0.0.1:" + port + "/" + app);
            command(client, 0, "connect", 1.0, connect);
            command(client, 0, "createStream", 2.0, null);
            Thread.sleep(200); // the stream id of a fresh connection is 1; no need to parse the answer
            command(client, 1, "publish", 3.0, null, stream, "live");
            Thread.sleep(200);
            long start = System.nanoTime();
            int i = 13;
            while (i + 11 <= file.length) {
                int type = file[i] & 0xff;
                int size = ((file[i + 1] & 0xff) << 16) | ((file[i + 2] & 0xff) << 8) | (file[i + 3] & 0xff);
                long ts = ((file[i + 4] & 0xffL) << 16) | ((file[i + 5] & 0xff) << 8) | (file[i + 6] & 0xff) | ((file[i + 7] & 0xffL) << 24);
                byte[] body = java.util.Arrays.copyOfRange(file, i + 11, i + 11 + size);
                i += 11 + size + 4;
                if (type == 9) {
                    body = toLegacy(body);
                    if (body == null) {
                        continue;
                    }
                }
                long due = start + ts * 1_000_000;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                send(client, new RtmpMessage(type == 18 ? 5 : type == 9 ? 6 : 7, type, ts, 1, Unpooled.wrappedBuffer(body)));
            }
            command(client, 1, "deleteStream", 4.0, null, 1.0);
            Thread.sleep(200);
        }
    }

    /** hvc1 SequenceStart / CodedFrames / CodedFramesX / SequenceEnd → codec id 12 with an AVC-style packet type. */
    static byte[] toLegacy(byte[] b) {
        if ((b[0] & 0x80) == 0) {
            return b;
        }
        int frameType = (b[0] >> 4) & 7;
        int packetType = b[0] & 0x0f;
        byte first = (byte) ((frameType << 4) | 12);
        byte[] rest = java.util.Arrays.copyOfRange(b, 5, b.length); // after the FourCC
        return switch (packetType) {
            case 0 -> concat(new byte[]{first, 0, 0, 0, 0}, rest);
            case 1 -> concat(new byte[]{first, 1}, rest); // rest starts with the composition time
            case 3 -> concat(new byte[]{first, 1, 0, 0, 0}, rest);
            case 2 -> new byte[]{first, 2, 0, 0, 0};
            default -> null;
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void command(RawRtmpClient client, int msid, Object... values) throws Exception {
        ByteBuf body = Unpooled.buffer();
        Amf0.encode(body, values);
        send(client, new RtmpMessage(3, RtmpMessage.COMMAND_AMF0, 0, msid, body));
    }

    private static void send(RawRtmpClient client, RtmpMessage msg) throws Exception {
        int chunkSize = msg.typeId() == RtmpMessage.SET_CHUNK_SIZE ? 128 : CHUNK_SIZE;
        ByteBuf wire = RtmpChunkEncoder.encodeMessage(ALLOC, msg.chunkStreamId(), msg.timestamp(), msg.typeId(),
                msg.messageStreamId(), msg.payload(), chunkSize);
        try {
            client.send(ByteBufUtil.getBytes(wire));
        } finally {
            wire.release();
            msg.release();
        }
    }
}
