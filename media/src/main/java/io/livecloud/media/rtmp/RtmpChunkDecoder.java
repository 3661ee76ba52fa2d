package io.livecloud.media.rtmp;

import io.livecloud.media.MediaProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the chunk stream (RTMP spec §5.3) into complete {@link RtmpMessage}s with absolute timestamps.
 *
 * <p>Handled here and not passed on: Set Chunk Size (accepted from 1 to 16 MiB) and Abort. Everything else goes up,
 * Window Acknowledgement Size included, after its window is noted: once the peer has set a window, an
 * Acknowledgement is sent each time the bytes received since the last one reach it.
 *
 * <p>Hostile input costs bounded memory: a message may be at most {@code maxMessageLength} bytes, at most
 * {@code maxPartialMessages} chunk streams may hold a half-assembled message, at most
 * {@value #MAX_CHUNK_STREAMS} chunk streams may be in use, and a message body grows with the bytes that actually
 * arrive rather than being allocated from its declared length. Anything malformed raises a
 * {@link MediaProtocolException}, after which all further input is discarded.
 *
 * <p>Tolerated deviations seen in real encoders: a first chunk with a fmt 1 header on a new chunk stream (librtmp
 * does this for pings; message stream 0 is assumed), fmt 0–2 headers on continuation chunks (when they repeat
 * the message length), and fmt 3 continuation chunks that leave out the extended timestamp their message had.
 */
public final class RtmpChunkDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 8 << 20;
    public static final int DEFAULT_MAX_PARTIAL_MESSAGES = 64;
    /** nginx-rtmp refuses chunk stream ids from 32 on; real clients use a handful of low ids. */
    static final int MAX_CHUNK_STREAMS = 1024;
    private static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;
    private static final long UINT32_MASK = 0xFFFFFFFFL;
    /** Message body buffers start at most this big and grow as chunks arrive. */
    private static final int FIRST_BODY_ALLOCATION = 64 * 1024;
    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};

    private final int maxMessageLength;
    private final int maxPartialMessages;
    private final ChunkStreams streams = new ChunkStreams();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int partialMessages;
    private long windowAckSize;
    private long bytesReceived;
    private long bytesAcknowledged;
    private boolean failed;

    public RtmpChunkDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_PARTIAL_MESSAGES);
    }

    /**
     * @param maxMessageLength   longest message body accepted, in bytes
     * @param maxPartialMessages most chunk streams that may have a message partly assembled at once
     */
    public RtmpChunkDecoder(int maxMessageLength, int maxPartialMessages) {
        if (maxMessageLength < 0 || maxPartialMessages < 1) {
            throw new IllegalArgumentException("limits out of range: " + maxMessageLength + ", " + maxPartialMessages);
        }
        this.maxMessageLength = maxMessageLength;
        this.maxPartialMessages = maxPartialMessages;
    }

    /** The chunk size the peer sends with now. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes received since this handler was added (the acknowledgement sequence number, before wrapping). */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The last header seen on one chunk stream, to expand fmt 1–3 headers, and the message being assembled. */
    private static final class ChunkStream {
        long timestamp;
        long timestampDelta;
        int length;
        int typeId;
        int messageStreamId;
        boolean extended;
        long extendedField;
        ByteBuf body;
        int remaining;
    }

    /** Chunk streams by id: an array for the ids clients use, a map for the rest. */
    private static final class ChunkStreams {
        private final ChunkStream[] low = new ChunkStream[64];
        private final IntObjectHashMap<ChunkStream> high = new IntObjectHashMap<>();
        private int count;

        ChunkStream get(int id) {
            return id < low.length ? low[id] : high.get(id);
        }

        ChunkStream create(int id) {
            if (++count > MAX_CHUNK_STREAMS) {
                throw new MediaProtocolException("more than " + MAX_CHUNK_STREAMS + " chunk streams in use");
            }
            ChunkStream stream = new ChunkStream();
            if (id < low.length) {
                low[id] = stream;
            } else {
                high.put(id, stream);
            }
            return stream;
        }

        void forEach(Consumer<ChunkStream> action) {
            for (ChunkStream stream : low) {
                if (stream != null) {
                    action.accept(stream);
                }
            }
            high.values().forEach(action);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes) {
            bytesReceived += bytes.readableBytes();
        }
        super.channelRead(ctx, msg);
        acknowledgeIfDue(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            readChunk(ctx, in, out);
        } catch (MediaProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            releasePartialMessages();
            throw e;
        }
    }

    /** Reads one chunk if {@code in} holds all of it; otherwise consumes nothing. */
    private void readChunk(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = in.writerIndex();
        int pos = in.readerIndex();
        int first = in.getUnsignedByte(pos++);
        int fmt = first >>> 6;
        int csid = first & 0x3F;
        if (csid == 0) {
            if (end - pos < 1) {
                return;
            }
            csid = 64 + in.getUnsignedByte(pos++);
        } else if (csid == 1) {
            if (end - pos < 2) {
                return;
            }
            csid = 64 + in.getUnsignedShortLE(pos);
            pos += 2;
        }
        if (end - pos < MESSAGE_HEADER_LENGTH[fmt]) {
            return;
        }
        ChunkStream stream = streams.get(csid);
        if (stream == null && fmt >= 2) {
            throw new MediaProtocolException("chunk stream " + csid + " starts with a fmt " + fmt + " header");
        }

        long timestampField = 0;
        int length = stream == null ? 0 : stream.length;
        int typeId = stream == null ? 0 : stream.typeId;
        int messageStreamId = stream == null ? 0 : stream.messageStreamId;
        if (fmt <= 2) {
            timestampField = in.getUnsignedMedium(pos);
        }
        if (fmt <= 1) {
            length = in.getUnsignedMedium(pos + 3);
            typeId = in.getUnsignedByte(pos + 6);
        }
        if (fmt == 0) {
            messageStreamId = in.getIntLE(pos + 7);
        }
        pos += MESSAGE_HEADER_LENGTH[fmt];

        boolean continues = stream != null && stream.body != null;
        boolean extended = fmt <= 2 ? timestampField == EXTENDED_TIMESTAMP : stream.extended;
        if (extended) {
            if (end - pos < 4) {
                return;
            }
            long field = in.getUnsignedInt(pos);
            if (fmt <= 2 || !continues) {
                timestampField = field;
                pos += 4;
            } else if (field == stream.extendedField) {
                pos += 4; // a continuation repeats its message's extended timestamp; some encoders leave it out
            }
        }

        int payload;
        if (continues) {
            if (fmt <= 1 && length != stream.length) {
                throw new MediaProtocolException("chunk stream " + csid + " changed the message length from "
                        + stream.length + " to " + length + " mid-message");
            }
            payload = Math.min(chunkSize, stream.remaining);
        } else {
            if (length > maxMessageLength) {
                throw new MediaProtocolException("message of " + length + " bytes exceeds the limit of " + maxMessageLength);
            }
            payload = Math.min(chunkSize, length);
            if (payload < length && partialMessages >= maxPartialMessages) {
                throw new MediaProtocolException("more than " + maxPartialMessages + " messages assembled at once");
            }
        }
        if (end - pos < payload) {
            return;
        }

        // The whole chunk is here: from now on state changes.
        in.readerIndex(pos);
        if (stream == null) {
            stream = streams.create(csid);
        }
        if (!continues) {
            startMessage(ctx, stream, fmt, timestampField, extended, length, typeId, messageStreamId);
        }
        if (payload > 0) {
            stream.body.writeBytes(in, payload);
            stream.remaining -= payload;
        }
        if (stream.remaining == 0) {
            completeMessage(csid, stream, out);
        }
    }

    private void startMessage(ChannelHandlerContext ctx, ChunkStream stream, int fmt, long timestampField,
                              boolean extended, int length, int typeId, int messageStreamId) {
        switch (fmt) {
            case 0 -> {
                stream.timestamp = timestampField;
                // a fmt 3 message right after a fmt 0 one takes the fmt 0 timestamp as its delta (spec §5.3.1.2.4)
                stream.timestampDelta = timestampField;
            }
            case 1, 2 -> stream.timestampDelta = timestampField;
            default -> {
                if (extended) {
                    stream.timestampDelta = timestampField;
                }
            }
        }
        if (fmt != 0) {
            stream.timestamp = (stream.timestamp + stream.timestampDelta) & UINT32_MASK;
        }
        stream.extended = extended;
        if (extended) {
            stream.extendedField = timestampField;
        }
        stream.length = length;
        stream.typeId = typeId;
        stream.messageStreamId = messageStreamId;
        stream.remaining = length;
        if (length > 0) {
            stream.body = ctx.alloc().buffer(Math.min(length, FIRST_BODY_ALLOCATION), length);
            partialMessages++;
        }
    }

    private void completeMessage(int csid, ChunkStream stream, List<Object> out) {
        ByteBuf body = stream.body;
        if (body == null) {
            body = Unpooled.EMPTY_BUFFER;
        } else {
            stream.body = null;
            partialMessages--;
        }
        RtmpMessage message = new RtmpMessage(csid, stream.typeId, stream.timestamp, stream.messageStreamId, body);
        switch (message.typeId()) {
            case RtmpMessage.SET_CHUNK_SIZE -> {
                try {
                    chunkSize = announcedChunkSize(message.payload());
                } finally {
                    message.release();
                }
            }
            case RtmpMessage.ABORT -> {
                try {
                    abort(readUnsignedInt(message.payload(), "abort"));
                } finally {
                    message.release();
                }
            }
            case RtmpMessage.WINDOW_ACK_SIZE -> {
                try {
                    windowAckSize = readUnsignedInt(message.payload(), "window acknowledgement size");
                } catch (MediaProtocolException e) {
                    message.release();
                    throw e;
                }
                out.add(message);
            }
            default -> out.add(message);
        }
    }

    private static int announcedChunkSize(ByteBuf payload) {
        long size = readUnsignedInt(payload, "set chunk size");
        if (size < 1 || size > RtmpControl.MAX_CHUNK_SIZE) {
            throw new MediaProtocolException("refused chunk size " + size);
        }
        return (int) size;
    }

    private void abort(long csid) {
        ChunkStream stream = csid <= RtmpChunkEncoder.MAX_CHUNK_STREAM_ID ? streams.get((int) csid) : null;
        if (stream != null && stream.body != null) {
            stream.body.release();
            stream.body = null;
            stream.remaining = 0;
            partialMessages--;
        }
    }

    private static long readUnsignedInt(ByteBuf payload, String what) {
        if (payload.readableBytes() < 4) {
            throw new MediaProtocolException(what + " message of " + payload.readableBytes() + " bytes");
        }
        return payload.getUnsignedInt(payload.readerIndex());
    }

    private void acknowledgeIfDue(ChannelHandlerContext ctx) {
        if (windowAckSize > 0 && bytesReceived - bytesAcknowledged >= windowAckSize && ctx.channel().isActive()) {
            bytesAcknowledged = bytesReceived;
            // from the tail, so the chunk encoder serialises it wherever it sits in the pipeline
            ctx.channel().writeAndFlush(RtmpControl.acknowledgement(ctx.alloc(), bytesReceived & UINT32_MASK));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            releasePartialMessages();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartialMessages();
    }

    private void releasePartialMessages() {
        streams.forEach(stream -> {
            if (stream.body != null) {
                stream.body.release();
                stream.body = null;
                stream.remaining = 0;
            }
        });
        partialMessages = 0;
    }
}
