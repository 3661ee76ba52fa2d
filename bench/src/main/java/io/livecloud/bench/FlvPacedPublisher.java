package io.livecloud.bench;

import io.livecloud.media.amf.Amf0;
import io.livecloud.media.rtmp.RtmpControl;
import io.livecloud.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Publishes an FLV file over RTMP in real time, in a loop, and remembers when each video frame left (by a CRC of its
 * body), so players in the same process can measure end-to-end latency without trusting any server's timestamps.
 */
final class FlvPacedPublisher extends SimpleChannelInboundHandler<RtmpMessage> {
    record Tag(int type, long timestamp, byte[] body) {
    }

    private final String app;
    private final String tcUrl;
    private final String stream;
    private final List<Tag> tags;
    private final long fileDuration;
    /** Video frame CRC → System.nanoTime() when it was written. */
    final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    volatile String failure;
    private ChannelHandlerContext ctx;
    private long startNanos;
    private int next;
    private long loopOffset;

    /** Media time per wall-clock time: 1 = real time; more floods the server (the hostile-publisher test). */
    private final double speed;

    FlvPacedPublisher(String app, String tcUrl, String stream, byte[] flv) {
        this(app, tcUrl, stream, flv, 1.0);
    }

    FlvPacedPublisher(String app, String tcUrl, String stream, byte[] flv, double speed) {
        this.speed = speed;
        this.app = app;
        this.tcUrl = tcUrl;
        this.stream = stream;
        this.tags = parse(flv);
        this.fileDuration = tags.isEmpty() ? 0 : tags.get(tags.size() - 1).timestamp() + 40;
    }

    static List<Tag> parse(byte[] f) {
        List<Tag> out = new ArrayList<>();
        int i = 13;
        while (i + 11 <= f.length) {
            int type = f[i] & 0xff;
            int size = ((f[i + 1] & 0xff) << 16) | ((f[i + 2] & 0xff) << 8) | (f[i + 3] & 0xff);
            long ts = ((f[i + 4] & 0xffL) << 16) | ((f[i + 5] & 0xff) << 8) | (f[i + 6] & 0xff) | ((f[i + 7] & 0xffL) << 24);
            if (i + 11 + size > f.length) {
                break;
            }
            if (type == 8 || type == 9) {
                out.add(new Tag(type, ts, java.util.Arrays.copyOfRange(f, i + 11, i + 11 + size)));
            }
            i += 11 + size + 4;
        }
        return out;
    }

    /** The file's average bitrate in kbit/s (media bodies over its duration). */
    long fileKbps() {
        long bytes = tags.stream().mapToLong(t -> t.body().length).sum();
        return fileDuration <= 0 ? 0 : bytes * 8 / fileDuration;
    }

    boolean isActive() {
        return ctx != null && ctx.channel().isActive();
    }

    static long crc(ByteBuf body) {
        CRC32 crc = new CRC32();
        crc.update(body.nioBuffer(body.readerIndex(), Math.min(body.readableBytes(), 256)));
        return crc.getValue() ^ ((long) body.readableBytes() << 32);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshake.COMPLETED) {
            this.ctx = ctx;
            ctx.write(RtmpControl.setChunkSize(ctx.alloc(), 4096));
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("app", app);
            params.put("type", "nonprivate");
            params.put("tcUrl", tcUrl);
            command(0, "connect", 1.0, params);
        }
    }

    private void command(int msid, Object... values) {
        ByteBuf body = ctx.alloc().buffer();
        Amf0.encode(body, values);
        ctx.writeAndFlush(new RtmpMessage(3, RtmpMessage.COMMAND_AMF0, 0, msid, body));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        if (msg.typeId() != RtmpMessage.COMMAND_AMF0) {
            return;
        }
        List<Object> v = Amf0.decodeAll(msg.payload().duplicate());
        if (v.size() >= 2 && "_result".equals(v.get(0)) && v.get(1) instanceof Number txn) {
            if (txn.intValue() == 1) {
                command(0, "createStream", 2.0, null);
            } else if (txn.intValue() == 2) {
                command(1, "publish", 3.0, null, stream, "live");
            }
        } else if (v.size() >= 4 && "onStatus".equals(v.get(0)) && v.get(3) instanceof Map<?, ?> info) {
            if ("NetStream.Publish.Start".equals(info.get("code"))) {
                startNanos = System.nanoTime();
                sendDue();
            } else if ("error".equals(info.get("level"))) {
                failure = String.valueOf(info.get("code"));
                ctx.close();
            }
        }
    }

    /** Writes every tag whose time has come, then sleeps on the event loop until the next one. */
    private void sendDue() {
        if (!ctx.channel().isActive() || tags.isEmpty()) {
            return;
        }
        long elapsedMs = (long) ((System.nanoTime() - startNanos) * speed / 1_000_000);
        while (true) {
            Tag t = tags.get(next);
            long ts = t.timestamp() + loopOffset;
            if (ts > elapsedMs || !ctx.channel().isWritable()) { // a flood must not queue without bound in the tool
                ctx.flush();
                if (ts <= elapsedMs) {
                    ctx.executor().schedule(this::sendDue, 5, TimeUnit.MILLISECONDS);
                    return;
                }
                ctx.executor().schedule(this::sendDue, Math.max(1, (long) ((ts - elapsedMs) / speed)), TimeUnit.MILLISECONDS);
                return;
            }
            ByteBuf body = Unpooled.wrappedBuffer(t.body());
            if (t.type() == 9) {
                sentAt.put(crc(body), System.nanoTime());
            }
            ctx.write(new RtmpMessage(t.type() == 9 ? 6 : 7, t.type(), ts, 1, body));
            if (++next == tags.size()) {
                next = 0;
                loopOffset += fileDuration;
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (failure == null) {
            failure = "publisher connection closed";
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure = cause.toString();
        ctx.close();
    }
}
