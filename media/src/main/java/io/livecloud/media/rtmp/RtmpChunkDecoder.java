package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chunk stream → messages (RTMP spec §5.3). Keeps the previous header per chunk stream to expand fmt 1–3 headers,
 * gives every message an absolute timestamp, handles Set Chunk Size and Abort itself and acknowledges received bytes
 * when the peer asked for it. Everything else goes up as {@link RtmpMessage}.
 *
 * <p>Bounds keep a hostile peer from costing memory: a message may be at most {@code maxMessageLength} bytes, the
 * chunk size at most 16 MiB, and at most {@code maxPartialStreams} chunk streams may hold a half-assembled message.
 */
public final class RtmpChunkDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 8 << 20;
    public static final int DEFAULT_MAX_PARTIAL_STREAMS = 64;
    private static final int MAX_CHUNK_SIZE = 0xFFFFFF;
    private static final long EXTENDED = 0xFFFFFF;

    private final int maxMessageLength;
    private final int maxPartialStreams;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = 128;
    private long windowAckSize;
    private long bytesReceived;
    private long bytesAtLastAck;
    private int partialStreams;

    public RtmpChunkDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_PARTIAL_STREAMS);
    }

    public RtmpChunkDecoder(int maxMessageLength, int maxPartialStreams) {
        this.maxMessageLength = maxMessageLength;
        this.maxPartialStreams = maxPartialStreams;
    }

    /** Per chunk stream: the last header seen (to expand compressed headers) and the message being assembled. */
    private static final class ChunkStream {
        long timestamp;
        long delta;
        int length;
        int typeId;
        int messageStreamId;
        boolean extended;
        boolean seen;
        ByteBuf partial;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            if (!decodeChunk(ctx, in, out)) {
                in.readerIndex(start);
                return;
            }
            bytesReceived += in.readerIndex() - start;
        }
        acknowledgeIfDue(ctx);
    }

    /** @return false when the chunk is not complete in {@code in} yet (nothing consumed) */
    private boolean decodeChunk(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int first = in.readUnsignedByte();
        int fmt = first >>> 6;
        int csid = first & 0x3f;
        if (csid == 0) {
            if (!in.isReadable()) {
                return false;
            }
            csid = 64 + in.readUnsignedByte();
        } else if (csid == 1) {
            if (in.readableBytes() < 2) {
                return false;
            }
            csid = 64 + in.readUnsignedByte() + (in.readUnsignedByte() << 8);
        }
        int headerSize = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
        if (in.readableBytes() < headerSize) {
            return false;
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            if (fmt != 0) {
                throw new MediaProtocolException("chunk stream " + csid + " starts with a fmt " + fmt + " header");
            }
            if (streams.size() >= 4 * maxPartialStreams) {
                throw new MediaProtocolException("too many chunk streams");
            }
            cs = new ChunkStream();
            streams.put(csid, cs);
        }
        long tsField = 0;
        int length = cs.length;
        int typeId = cs.typeId;
        int msid = cs.messageStreamId;
        if (fmt <= 2) {
            tsField = in.readUnsignedMedium();
        }
        if (fmt <= 1) {
            length = in.readUnsignedMedium();
            typeId = in.readUnsignedByte();
        }
        if (fmt == 0) {
            msid = in.readIntLE();
        }
        boolean extended = fmt <= 2 ? tsField == EXTENDED : cs.extended;
        if (extended) {
            if (in.readableBytes() < 4) {
                return false;
            }
            long ext = in.readUnsignedInt();
            if (fmt <= 2) {
                tsField = ext;
            }
            // on fmt 3 the field repeats the previous value; it is read and ignored
        }
        boolean startsMessage = cs.partial == null;
        if (!startsMessage && fmt <= 1 && (length != cs.length || typeId != cs.typeId)) {
            throw new MediaProtocolException("chunk stream " + csid + " changed its message header mid-message");
        }
        if (startsMessage && length > maxMessageLength) {
            throw new MediaProtocolException("message of " + length + " bytes exceeds the limit of " + maxMessageLength);
        }
        int assembled = startsMessage ? 0 : cs.partial.readableBytes();
        int payload = Math.min(chunkSize, length - assembled);
        if (in.readableBytes() < payload) {
            return false;
        }
        // The chunk is complete: commit the header state.
        if (startsMessage) {
            if (fmt == 0) {
                cs.timestamp = tsField;
                cs.delta = tsField; // spec §5.3.1.2.4: a fmt 3 message after fmt 0 takes its timestamp as delta
            } else if (fmt <= 2) {
                cs.delta = tsField;
                cs.timestamp = (cs.timestamp + tsField) & 0xFFFFFFFFL;
            } else if (cs.seen) {
                cs.timestamp = (cs.timestamp + cs.delta) & 0xFFFFFFFFL;
            }
        }
        cs.length = length;
        cs.typeId = typeId;
        cs.messageStreamId = msid;
        cs.extended = extended;
        cs.seen = true;
        if (startsMessage) {
            if (partialStreams >= maxPartialStreams) {
                throw new MediaProtocolException("more than " + maxPartialStreams + " messages assembled at once");
            }
            cs.partial = ctx.alloc().buffer(length, length);
            partialStreams++;
        }
        cs.partial.writeBytes(in, payload);
        if (cs.partial.readableBytes() == length) {
            ByteBuf body = cs.partial;
            cs.partial = null;
            partialStreams--;
            deliver(new RtmpMessage(csid, typeId, cs.timestamp, msid, body), out);
        }
        return true;
    }

    private void deliver(RtmpMessage msg, List<Object> out) {
        ByteBuf p = msg.payload();
        switch (msg.typeId()) {
            case RtmpMessage.SET_CHUNK_SIZE -> {
                long size = p.readableBytes() >= 4 ? p.getUnsignedInt(p.readerIndex()) & 0x7FFFFFFFL : -1;
                msg.release();
                if (size < 1 || size > MAX_CHUNK_SIZE) {
                    throw new MediaProtocolException("refused chunk size " + size);
                }
                chunkSize = (int) size;
            }
            case RtmpMessage.ABORT -> {
                if (p.readableBytes() >= 4) {
                    ChunkStream aborted = streams.get((int) p.getUnsignedInt(p.readerIndex()));
                    if (aborted != null && aborted.partial != null) {
                        aborted.partial.release();
                        aborted.partial = null;
                        partialStreams--;
                    }
                }
                msg.release();
            }
            case RtmpMessage.WINDOW_ACK_SIZE -> {
                if (p.readableBytes() >= 4) {
                    windowAckSize = p.getUnsignedInt(p.readerIndex());
                }
                out.add(msg);
            }
            default -> out.add(msg);
        }
    }

    private void acknowledgeIfDue(ChannelHandlerContext ctx) {
        if (windowAckSize > 0 && bytesReceived - bytesAtLastAck >= windowAckSize) {
            bytesAtLastAck = bytesReceived;
            ctx.writeAndFlush(RtmpControl.acknowledgement(ctx.alloc(), bytesReceived & 0xFFFFFFFFL));
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        for (ChunkStream cs : streams.values()) {
            if (cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
        }
        streams.clear();
        partialStreams = 0;
    }
}
