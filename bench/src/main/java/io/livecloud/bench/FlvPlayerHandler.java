package io.livecloud.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP-FLV viewer that counts bytes; it also follows the chunked FLV stream far enough to note when the first
 * video keyframe arrives (startup time). Works with any server that sends chunked or close-delimited FLV.
 */
final class FlvPlayerHandler extends ChannelInboundHandlerAdapter {
    private final String host;
    private final String path;
    private final PlayerStats stats;
    private final StringBuilder head = new StringBuilder();
    private boolean headDone;
    private boolean chunked;
    private long chunkLeft = -1;
    private final StringBuilder chunkLine = new StringBuilder();
    private int flvSkip = 13;
    private final byte[] tagHeader = new byte[13];
    private int tagHeaderFill;
    private long tagBodyLeft;

    FlvPlayerHandler(String host, String path, PlayerStats stats) {
        this.host = host;
        this.path = path;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stats.connected = true;
        ctx.writeAndFlush(Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: livecloud-bench\r\n\r\n",
                StandardCharsets.US_ASCII));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            stats.bytes += buf.readableBytes();
            if (stats.firstKeyframeNanos == 0) {
                parse(buf);
            }
        } finally {
            buf.release();
        }
    }

    private void parse(ByteBuf buf) {
        while (buf.isReadable() && stats.firstKeyframeNanos == 0) {
            if (!headDone) {
                char c = (char) buf.readByte();
                head.append(c);
                if (head.toString().endsWith("\r\n\r\n")) {
                    headDone = true;
                    String h = head.toString().toLowerCase();
                    if (!h.startsWith("http/1.1 200") && !h.startsWith("http/1.0 200")) {
                        stats.failure = head.substring(0, head.indexOf("\r\n"));
                    }
                    chunked = h.contains("transfer-encoding: chunked");
                }
                continue;
            }
            if (chunked && chunkLeft <= 0) {
                char c = (char) buf.readByte();
                if (c == '\n') {
                    String line = chunkLine.toString().trim();
                    chunkLine.setLength(0);
                    if (!line.isEmpty()) {
                        chunkLeft = Long.parseLong(line.split(";")[0], 16);
                    }
                } else {
                    chunkLine.append(c);
                }
                continue;
            }
            int n = chunked ? (int) Math.min(buf.readableBytes(), chunkLeft) : buf.readableBytes();
            ByteBuf piece = buf.readSlice(n);
            if (chunked) {
                chunkLeft -= n;
            }
            flv(piece);
        }
    }

    private void flv(ByteBuf data) {
        while (data.isReadable()) {
            if (flvSkip > 0) {
                int n = Math.min(flvSkip, data.readableBytes());
                data.skipBytes(n);
                flvSkip -= n;
            } else if (tagBodyLeft > 0) {
                int n = (int) Math.min(tagBodyLeft, data.readableBytes());
                data.skipBytes(n);
                tagBodyLeft -= n;
                if (tagBodyLeft == 0) {
                    flvSkip = 4; // previous tag size
                }
            } else {
                tagHeader[tagHeaderFill++] = data.readByte();
                if (tagHeaderFill == 13) { // 11-byte header + the first two body bytes (tags are never shorter)
                    tagHeaderFill = 0;
                    int type = tagHeader[0];
                    long size = ((tagHeader[1] & 0xffL) << 16) | ((tagHeader[2] & 0xff) << 8) | (tagHeader[3] & 0xff);
                    int first = tagHeader[11] & 0xff;
                    boolean keyframe = type == 9 && ((first >> 4) & 7) == 1 && isPicture(first, tagHeader[12] & 0xff);
                    if (keyframe) {
                        stats.firstKeyframeNanos = System.nanoTime();
                    }
                    tagBodyLeft = size - 2;
                    if (tagBodyLeft == 0) {
                        flvSkip = 4;
                    }
                }
            }
        }
    }

    /** Coded frames, not sequence headers: enhanced packet type 1/3, or legacy AVC/HEVC packet type 1. */
    private static boolean isPicture(int first, int second) {
        if ((first & 0x80) != 0) {
            int packetType = first & 0x0f;
            return packetType == 1 || packetType == 3;
        }
        return second == 1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stats.failure == null) {
            stats.failure = "closed by server";
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stats.failure = cause.toString();
        ctx.close();
    }
}
